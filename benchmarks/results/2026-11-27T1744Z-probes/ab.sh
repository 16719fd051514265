#!/bin/bash
# usage: ab.sh job(dl4j|tribuo) rounds out  -- variants: plain, A=/work/main agent, B=/tmp/s3/wt agent
job=$1; rounds=$2; out=$3
S=/work/main/samples/target/autolog-samples.jar
if [ $job = dl4j ]; then cmd="-jar $S"; else cmd="-cp $S dev.autolog.samples.TribuoLegacyJob"; fi
export OMP_NUM_THREADS=1
run() { # variant
  local v=$1 d=/tmp/m/ext4mnt/ab/$v; rm -rf $d; mkdir -p $d; cd $d
  local ag=""; [ $v = A ] && ag="-javaagent:/work/main/agent/target/autolog-agent.jar"; [ $v = B ] && ag="-javaagent:/tmp/s3/wt/agent/target/autolog-agent.jar"
  local t0=$(date +%s%N)
  /usr/bin/time -f "%M %U %S" -o /tmp/s3/time.$$ java $ag $cmd >/dev/null 2>&1
  local t1=$(date +%s%N)
  echo "$r $v $(( (t1-t0)/1000000 )) $(cat /tmp/s3/time.$$)" >> $out
}
vs=(plain A B)
for r in $(seq 1 $rounds); do
  for i in 0 1 2; do run ${vs[$(( (i + r) % 3 ))]}; done
done
