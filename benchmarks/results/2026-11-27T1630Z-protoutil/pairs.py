import collections,statistics as st,sys
d=collections.defaultdict(list)
for l in open(sys.argv[1]):
    v,m,w,u,s=l.split(); d[v].append((int(m)/1024,float(w),float(u)+float(s)))
n=min(len(x) for x in d.values())
for v in d:
    if v=='plain': continue
    dr=[d[v][i][0]-d['plain'][i][0] for i in range(n)]
    wr=[d[v][i][1]/d['plain'][i][1] for i in range(n)]
    cr=[d[v][i][2]-d['plain'][i][2] for i in range(n)]
    q=lambda a: (round(st.median(a),3), round(sorted(a)[len(a)//4],3), round(sorted(a)[3*len(a)//4],3))
    print(v,'rss+',q(dr),'wall x',q(wr),'cpu+',q(cr))
