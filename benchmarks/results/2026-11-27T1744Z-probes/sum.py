import sys,statistics as st,collections
rows=[l.split() for l in open(sys.argv[1])]
by=collections.defaultdict(dict)
for r,v,ms,rss,u,s in rows: by[r][v]=(int(ms),int(rss)/1024,float(u)+float(s))
def q(xs):
    xs=sorted(xs); n=len(xs); return f"median {st.median(xs):.3f} IQR {xs[n//4]:.3f}..{xs[(3*n)//4]:.3f} n={n}"
full=[d for d in by.values() if len(d)==3]
for v in ('A','B'):
    print(v,'wall ratio',q([d[v][0]/d['plain'][0] for d in full]))
    print(v,'rss added MB',q([d[v][1]-d['plain'][1] for d in full]))
    print(v,'cpu added s',q([d[v][2]-d['plain'][2] for d in full]))
print('B/A wall',q([d['B'][0]/d['A'][0] for d in full]))
print('plain wall ms',q([d['plain'][0] for d in full]))
