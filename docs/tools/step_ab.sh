#!/bin/bash
# usage: gap_ab.sh rounds "bench args" "name|dir|JAVA_OPTS" ...   ; prints other processes' CPU during each run (% of one CPU)
export DEEPDREAM_WEIGHTS=/work/shared/weights/bvlc_googlenet/bvlc_googlenet.caffemodel DEEPDREAM_NO_REBUILD=1
rounds=$1; shift; args=$1; shift
busy() { awk '/^cpu /{print $2+$3+$4+$7+$8}' /proc/stat; }
for r in $(seq $rounds); do
  for v in "$@"; do
    IFS='|' read name dir opts <<< "$v"
    q=$("$(dirname "$0")"/wait_quiet.sh ${QWAIT:-30})
    l=$(cut -d' ' -f1 /proc/loadavg)
    b0=$(busy)
    out=$(cd $dir && JAVA_OPTS="$opts" /usr/bin/time -f "TIME %U %S %e" ./deepdream bench $args 2>&1 | grep -E "^size=|^TIME" | sed -E 's/blob=[^ ]+ //; s/ gflop=.*steps/ steps/; s/backend=.*threads=/threads=/' | tr '\n' ' ')
    b1=$(busy)
    other=$(echo "$out" | awk -v d=$((b1-b0)) '{for(i=1;i<=NF;i++) if($i=="TIME"){u=$(i+1);s=$(i+2);e=$(i+3)}} END{printf "%.0f", (d-(u+s)*100)/e}')
    echo "r$r $name load=$l other=${other}% [$q] $out"
  done
done
