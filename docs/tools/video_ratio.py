#!/usr/bin/env python3
"""Flicker and strength of coherent video runs against an --independent run, from `--stats` CSVs.

usage: video_ratio.py INDEPENDENT.csv COHERENT.csv... [--frames FIRST LAST]   (default frames 2..40)
Prints, per coherent run, mean warping error E and mean strength over the frames, and the ratios."""
import csv, sys

def load(path):
    rows = csv.DictReader(open(path))
    return {int(r['frame']): (float(r['strength']), float(r['warping_error']) if r['warping_error'] else None)
            for r in rows}

args = sys.argv[1:]
first, last = 2, 40
if '--frames' in args:
    i = args.index('--frames'); first, last = int(args[i + 1]), int(args[i + 2]); del args[i:i + 3]
independent = load(args[0])
frames = range(first, last + 1)
def mean(run, k): return sum(run[f][k] for f in frames) / len(frames)
for path in args[1:]:
    run = load(path)
    e, ei, s, si = mean(run, 1), mean(independent, 1), mean(run, 0), mean(independent, 0)
    print(f'{path}: E {e:.3f}/{ei:.3f} = {e / ei:.3f}  strength {s:.3f}/{si:.3f} = {s / si:.3f}')
