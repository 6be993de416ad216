export DEEPDREAM_WEIGHTS=/work/shared/weights/bvlc_googlenet/bvlc_googlenet.caffemodel
# usage: DD=path/to/deepdream SEEDS="1 2 3" runD.sh - TAG W [extra dream args]: 4 offsets per seed, default jitter
jar=$1; tag=$2; W=$3; shift 3
for seed in ${SEEDS:-1 2 3}; do for off in 0 120 240 360; do
  p=C-p$W-o$off; o=$tag-$W-o$off-s$seed
  t1=$(${DD:-./deepdream} dream $p.png -o $o-w.png --backend cpu --force --wrap x --seed $seed "$@" 2>&1 | grep -E 'TIME|rror')
  ${DD:-./deepdream} dream $p-turned.png -o $o-wt.png --backend cpu --force --wrap x --seed $seed "$@" 2>&1 | grep rror
  echo "$tag $W o$off s$seed $(/usr/bin/python3 metrics.py $o-w.png $p.png $o-wt.png) [$t1 load $(cut -d' ' -f1 /proc/loadavg)]"
done; done
