#!/bin/bash
# wait (up to $1 s, default 300) until the whole machine used < 10% of one CPU over 2 s
max=${1:-300}; t0=$(date +%s)
while :; do
  a=($(head -1 /proc/stat)); sleep 2; b=($(head -1 /proc/stat))
  busy=$(( (b[1]+b[2]+b[3]+b[6]+b[7]) - (a[1]+a[2]+a[3]+a[6]+a[7]) )); tot=$(( busy + b[4]-a[4] + b[5]-a[5] ))
  pct=$(( 200*busy/tot ))   # percent of one CPU (2 CPUs)
  if [ $pct -lt 10 ]; then echo "quiet ($pct% of a cpu) after $(( $(date +%s)-t0 )) s"; return 0 2>/dev/null || exit 0; fi
  if [ $(( $(date +%s)-t0 )) -ge $max ]; then echo "not quiet ($pct%) after $max s"; exit 1; fi
done
