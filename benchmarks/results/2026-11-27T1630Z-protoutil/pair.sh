#!/bin/bash
# usage: pair.sh N ; prints variant rss_kb wall
A=/work/main/agent/target/autolog-agent.jar; S=/work/main/samples/target/autolog-samples.jar
run() { d=$(mktemp -d /tmp/m/ext4mnt/w.XXXX); cd $d; case $1 in
 plain) /usr/bin/time -f "%M %e %U %S" -o t java -cp $S dev.autolog.samples.TribuoLegacyJob >/dev/null 2>&1;;
 agent) /usr/bin/time -f "%M %e %U %S" -o t java -javaagent:$A -cp $S dev.autolog.samples.TribuoLegacyJob >/dev/null 2>&1;;
 patched) /usr/bin/time -f "%M %e %U %S" -o t java -javaagent:$A -cp /tmp/pu/pcls:$S dev.autolog.samples.TribuoLegacyJob >/dev/null 2>&1;;
 esac; echo "$1 $(cat t)"; cd /tmp/rss; rm -rf $d; }
for i in $(seq $1); do
  if [ $((i%2)) = 0 ]; then order="plain agent"; else order="agent plain"; fi
  for v in $order; do run $v; done
done
