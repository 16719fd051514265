# run a java job, poll per-thread cpu from /proc, print per-group totals (ms)
import subprocess,sys,os,time,re,collections,json
def group(name):
    if name.startswith('C1 Comp') or name.startswith('C2 Comp'): return name[:2]
    if name.startswith('GC Thread') or name.startswith('G1'): return 'GC'
    if name.startswith('autolog'): return 'agent'
    if name in ('java','main'): return 'main'
    return 'other'
cmd=sys.argv[2:]; out=sys.argv[1]
env=dict(os.environ,OMP_NUM_THREADS='1')
t0=time.time()
p=subprocess.Popen(cmd,stdout=subprocess.DEVNULL,stderr=subprocess.DEVNULL,env=env)
last={}
tick=os.sysconf('SC_CLK_TCK')
while p.poll() is None:
    try:
        for t in os.listdir(f'/proc/{p.pid}/task'):
            try:
                comm=open(f'/proc/{p.pid}/task/{t}/comm').read().strip()
                ss=open(f'/proc/{p.pid}/task/{t}/schedstat').read().split()
                last[t]=(comm,int(ss[0])/1e6)
            except OSError: pass
    except OSError: pass
    time.sleep(0.02)
wall=time.time()-t0
g=collections.Counter()
for comm,ms in last.values(): g[group(comm)]+=ms
g['wall']=wall*1000
with open(out,'a') as f: f.write(json.dumps(g)+'\n')
