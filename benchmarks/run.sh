#!/usr/bin/env bash
# The benchmarks of issue 6, in one command: builds, runs the JMH suite and the process-level measurements
# side by side, and writes everything under benchmarks/results/<date>-<mode>/ (SUMMARY.txt holds the figures).
#
#   benchmarks/run.sh            # full run, 33–38 min on 2 cores
#   benchmarks/run.sh --quick    # a few minutes, rougher numbers (1 fork, short iterations, fewer pairs)
#   benchmarks/run.sh --workdir DIR   # the process-level jobs write their ./mlruns under DIR (default: /tmp)
#
# The file system of the jobs' working directories matters: the file store creates a file per param, tag and
# metric, and creating one took 250 us on this project's VM's root file system but 25 us on a fresh ext4
# (see BENCHMARKS.md). ProcessBench prints what it costs where it runs.
#
# Needs JDK 17, Maven and /usr/bin/time (Debian package "time"). Nothing is timed in `mvn verify`: there, only a
# smoke test runs each benchmark once (BenchmarkSmokeTest).
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)

MODE=full
WORKDIR=${TMPDIR:-/tmp}
while [[ $# -gt 0 ]]; do
  case "$1" in
    --quick) MODE=quick; shift ;;
    --workdir) WORKDIR=$(cd "$2" && pwd); shift 2 ;;
    *) echo "usage: $0 [--quick] [--workdir DIR]" >&2; exit 2 ;;
  esac
done
STAMP=$(date -u +%Y-%m-%dT%H%MZ)
OUT="$ROOT/benchmarks/results/$STAMP-$MODE"
mkdir -p "$OUT"
export OMP_NUM_THREADS=1
unset JAVA_TOOL_OPTIONS JDK_JAVA_OPTIONS

if [[ $MODE == quick ]]; then
  JMH_COMMON=(-f 1 -wi 1 -i 3 -w 1s -r 1s)
  JMH_SS=(-f 1 -wi 1 -i 3)
  STARTUP_PAIRS=5; SAMPLE_PAIRS=2; SCALE_POINTS=1000000; SCALE_REST_POINTS=100000
else
  JMH_COMMON=()        # the annotations: 2 forks, warm-up and measurement per benchmark class
  JMH_SS=()
  STARTUP_PAIRS=15; SAMPLE_PAIRS=11; SCALE_POINTS=10000000; SCALE_REST_POINTS=1000000
fi

{
  echo "date:    $(date -u +%Y-%m-%dT%H:%M:%SZ)"
  echo "mode:    $MODE"
  echo "machine: $(uname -srm), nproc $(nproc --all), $(awk '/MemTotal/ {printf "%.1f GiB", $2/1048576}' /proc/meminfo)," \
       "$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)"
  echo "jdk:     $(java -version 2>&1 | head -2 | tail -1)"
  echo "workdir: $WORKDIR ($(df -T "$WORKDIR" | awk 'NR==2 {print $2 " on " $1}'))"
  echo "commit:  $(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || echo unknown)$(git -C "$ROOT" diff --quiet 2>/dev/null || echo ' (work tree has changes)')"
} | tee "$OUT/machine.txt"

echo "== build (mvn -B -q -DskipTests package)"
mvn -B -q -DskipTests package

BENCH_JAR="$ROOT/benchmarks/target/autolog-benchmarks.jar"
CP="$ROOT/benchmarks/target/classes:$ROOT/benchmarks/target/lib/*"
jmh() { java -jar "$BENCH_JAR" "$@"; }
# The server double and the null server are JDK HttpServers: without TCP_NODELAY (the JDK default) every
# response waits ~40 ms for a delayed ACK, which no real MLflow server does. Measured with nodelay unless noted.
NODELAY=(-jvmArgsAppend -Dsun.net.httpserver.nodelay=true)

echo "== JMH: hot path (-prof gc)"
jmh 'HotPathBench|HotPathBaseline' -prof gc "${JMH_COMMON[@]}" -rf json -rff "$OUT/jmh-hotpath.json" \
  | tee "$OUT/jmh-hotpath.txt"
echo "== JMH: file store"
jmh FileStoreBench "${JMH_COMMON[@]}" -rf json -rff "$OUT/jmh-filestore.json" | tee "$OUT/jmh-filestore.txt"
echo "== JMH: delivery (server double, TCP_NODELAY; as fast as it answers, and held to the real server's service time)"
jmh DeliveryBench "${NODELAY[@]}" "${JMH_COMMON[@]}" -rf json -rff "$OUT/jmh-delivery.json" \
  | tee "$OUT/jmh-delivery.txt"
echo "== JMH: delivery (server double as the tests run it: JDK default, no TCP_NODELAY)"
jmh DeliveryBench -p server=double -f 1 -wi 1 -i 3 -w 2s -r 2s -rf json -rff "$OUT/jmh-delivery-default-tcp.json" \
  | tee "$OUT/jmh-delivery-default-tcp.txt"
echo "== JMH: drain 100,000 points at shutdown (file store, null endpoint, server double)"
jmh DrainBench -p tracker=file,rest-null,rest "${NODELAY[@]}" "${JMH_SS[@]}" -rf json -rff "$OUT/jmh-drain.json" \
  | tee "$OUT/jmh-drain.txt"
echo "== JMH: drain into the server double from a cold JVM (one invocation, no warm-up: the first thing sent)"
jmh DrainBench -p tracker=rest "${NODELAY[@]}" -f 1 -wi 0 -i 1 -rf json -rff "$OUT/jmh-drain-double.json" \
  | tee "$OUT/jmh-drain-double.txt"

echo "== process level: start-up, sample jobs (also with log_models=false), a longer DL4J job, the samples' CPU per thread, an empty agent"
java -Dbench.workdir="$WORKDIR" -cp "$CP" dev.autolog.benchmarks.ProcessBench "$ROOT" "$OUT" "$STARTUP_PAIRS" "$SAMPLE_PAIRS" all

echo "== scale: $SCALE_POINTS points (file store), $SCALE_REST_POINTS (server double)"
{
  java -Xmx1g -cp "$CP" dev.autolog.benchmarks.ScaleRun "$SCALE_POINTS" file 0
  java -Xmx1g -cp "$CP" dev.autolog.benchmarks.ScaleRun "$SCALE_POINTS" file 1000000
  # Into the server double: everything that spills must cross loopback at ~10,000 points/s, so fewer points.
  java -Xmx1g -Dsun.net.httpserver.nodelay=true -cp "$CP" dev.autolog.benchmarks.ScaleRun "$SCALE_REST_POINTS" rest 0
} 2>&1 | tee "$OUT/scale.txt"

echo "== summary"
{
  cat "$OUT/machine.txt"
  echo
  java -cp "$CP" dev.autolog.benchmarks.JmhSummary "$OUT"/jmh-*.json
  grep -h '^RESULT' "$OUT/startup.txt" "$OUT/samples.txt" "$OUT/samples-no-models.txt" "$OUT/long.txt" "$OUT/threads.txt" "$OUT/floor.txt" "$OUT/scale.txt"
} | tee "$OUT/SUMMARY.txt"
# The JSON files keep JMH's raw iteration data (used for the medians above); sample-mode histograms can make them large.
find "$OUT" -name '*.json' -size +512k -delete  # keep results/ to small text files; the .txt logs hold the same figures
echo "results in $OUT"
