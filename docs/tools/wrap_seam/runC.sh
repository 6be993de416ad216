export DEEPDREAM_WEIGHTS=/work/shared/weights/bvlc_googlenet/bvlc_googlenet.caffemodel
# usage: DD=path/to/deepdream runC.sh - TAG W [extra dream args]  (first argument unused; run in the folder of the panoramas)
jar=$1; tag=$2; W=$3; shift 3
for off in 0 60 120 180 240 300 360 420; do
  p=C-p$W-o$off
  t1=$(${DD:-./deepdream} dream $p.png -o $tag-$W-o$off-w.png --backend cpu --force --wrap x "$@" 2>&1 | grep -E 'TIME|rror')
  ${DD:-./deepdream} dream $p-turned.png -o $tag-$W-o$off-wt.png --backend cpu --force --wrap x "$@" 2>&1 | grep rror
  echo "$tag $W o$off $(/usr/bin/python3 metrics.py $tag-$W-o$off-w.png $p.png $tag-$W-o$off-wt.png) [$t1 load $(cut -d' ' -f1 /proc/loadavg)]"
done
