#!/bin/bash
# compares a main checkout (MAIN_DIR, default /tmp/gapbase, built from git archive) with this one (GAP_DIR); outputs to /tmp/gappix
export DEEPDREAM_WEIGHTS=/work/shared/weights/bvlc_googlenet/bvlc_googlenet.caffemodel DEEPDREAM_NO_REBUILD=1
busy() { awk '/^cpu /{print $2+$3+$4+$7+$8}' /proc/stat; }
for r in $(seq $1); do for v in main:${MAIN_DIR:-/tmp/gapbase} gap:${GAP_DIR:-/work/gap}; do
  n=${v%%:*}; d=${v#*:}; "$(dirname "$0")"/wait_quiet.sh ${QWAIT:-30} >/dev/null; l=$(cut -d' ' -f1 /proc/loadavg); b0=$(busy)
  s=$(date +%s.%N)
  out=$(cd $d && /usr/bin/time -f 'TIME %e %M %U %S' ./deepdream dream /tmp/p1024.jpg --seed 1 -o /tmp/gappix/cold-$n-$r.png -v 2>&1 | while IFS= read -r line; do printf "%.2f %s\n" $(echo "$(date +%s.%N) - $s" | bc) "$line"; done)
  b1=$(busy)
  be=$(echo "$out" | grep "backend cpu" | cut -d' ' -f1); o1=$(echo "$out" | grep "octave 1/4" | cut -d' ' -f1)
  wr=$(echo "$out" | grep -o "weights ready at [0-9.]* s; JIT warm-up: [0-9]* steps, [0-9.]* s to stop")
  tm=$(echo "$out" | grep -o "TIME.*"); e=$(echo $tm | cut -d' ' -f2); u=$(echo $tm | cut -d' ' -f4); sy=$(echo $tm | cut -d' ' -f5)
  other=$(awk -v d=$((b1-b0)) -v u=$u -v s=$sy -v e=$e 'BEGIN{printf "%.0f", (d-(u+s)*100)/e}')
  oct=$(echo "$out" | grep -o "iterations in [0-9.]* s" | awk '{printf "%s/", $3}')
  echo "r$r $n load=$l other=$other% backend_line=${be}s octave1_done=${o1}s octaves=$oct $tm [$wr]"
done; done
