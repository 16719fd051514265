import collections,sys
# usage: under.py file threadprefix framesubstr depth
f,thp,key,depth=sys.argv[1],sys.argv[2],sys.argv[3],int(sys.argv[4])
c=collections.Counter(); tot=0
for l in open(f):
    st,n=l.rsplit(' ',1); n=int(n); fr=st.split(';')
    if not fr[0].startswith(thp): continue
    for i,x in enumerate(fr):
        if key in x:
            tot+=n; c[' > '.join(y.split('/')[-1][:70] for y in fr[i+1:i+1+depth])]+=n; break
print('total',tot)
for k,v in c.most_common(int(sys.argv[5]) if len(sys.argv)>5 else 25): print(v,k)
