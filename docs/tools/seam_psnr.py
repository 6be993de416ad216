#!/usr/bin/python3
"""Seam PSNR of a segmented video run against a fully sequential run of the same frames.

usage: seam_psnr.py SEQUENTIAL_DIR SEGMENTED_DIR FROM LAST SEGMENTS [FRAMES_PER_SEAM]
The segment starts are computed as 'deepdream video --segments' splits them (sizes differ by at most one).
Prints the PSNR (dB, 8-bit) of the first FRAMES_PER_SEAM (default 1) frames of every segment after the first,
their minimum, and the mean PSNR over all frames.
"""
import math, sys
import cv2
import numpy as np

def psnr(a, b):
    mse = np.mean((a.astype(np.float64) - b.astype(np.float64)) ** 2)
    return float("inf") if mse == 0 else 10 * math.log10(255.0 ** 2 / mse)

def frame(d, n):
    img = cv2.imread(f"{d}/{n:06d}.png")
    if img is None: sys.exit(f"missing frame {d}/{n:06d}.png")
    return img

def main():
    seq, seg, first, last, segments = sys.argv[1], sys.argv[2], *map(int, sys.argv[3:6])
    per_seam = int(sys.argv[6]) if len(sys.argv) > 6 else 1
    frames = last - first + 1
    starts, s = [], first
    for i in range(segments):
        starts.append(s)
        s += frames // segments + (1 if i < frames % segments else 0)
    seams = []
    for s in starts[1:]:
        for n in range(s, min(s + per_seam, last + 1)):
            p = psnr(frame(seq, n), frame(seg, n))
            seams.append(p)
            print(f"frame {n}: {p:.1f} dB")
    overall = [psnr(frame(seq, n), frame(seg, n)) for n in range(first, last + 1)]
    finite = [p for p in overall if math.isfinite(p)]
    print(f"seam min {min(seams):.1f} dB, seam mean {np.mean([min(p, 99) for p in seams]):.1f} dB, "
          f"all frames: {len(overall) - len(finite)} identical, mean of the others {np.mean(finite) if finite else float('nan'):.1f} dB")

if __name__ == "__main__":
    main()
