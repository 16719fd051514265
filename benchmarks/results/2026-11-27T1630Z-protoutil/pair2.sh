#!/bin/bash
# usage: pair2.sh N MAINSPEC ; variants plain / empty agent / no-op transformer agent
S=/work/main/samples/target/autolog-samples.jar; N=/tmp/noop/noop-agent.jar
run() { d=$(mktemp -d /tmp/m/ext4mnt/w.XXXX); cd $d; case $1 in
 plain) J="";; empty) J="-javaagent:$N";; transformer) J="-javaagent:$N=transformer";; esac
 /usr/bin/time -f "%M %e %U %S" -o t java $J $MAIN >/dev/null 2>&1; echo "$1 $(cat t)"; cd /tmp/rss; rm -rf $d; }
for i in $(seq $1); do
  if [ $((i%2)) = 0 ]; then order="empty transformer"; else order="transformer empty"; fi
  for v in $order; do run $v; done
done
