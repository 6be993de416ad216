#!/usr/bin/python3
"""High-frequency share of visualizations: for each tile of a contact sheet (or a whole image),
the share of its spectral power (mean removed, per RGB channel, summed) above 0.25 cycles/pixel.
Also the mean |difference| between tiles (grey levels). Usage: spectrum_share.py IMAGE TILE [COLUMNS ROWS]"""
import sys
import cv2
import numpy as np

GAP, CAPTION = 6, 18   # deepdream's ContactSheet

def share(tile):
    t = tile.astype(np.float64)
    f = np.hypot(*np.meshgrid(np.fft.fftfreq(t.shape[0]), np.fft.fftfreq(t.shape[1]), indexing="ij"))
    p = sum(np.abs(np.fft.fft2(t[:, :, c] - t[:, :, c].mean())) ** 2 for c in range(3))
    return p[f > 0.25].sum() / p.sum()

img = cv2.imread(sys.argv[1])[:, :, ::-1]
size = int(sys.argv[2])
cols, rows = (int(sys.argv[3]), int(sys.argv[4])) if len(sys.argv) > 4 else (1, 1)
tiles = []
for i in range(cols * rows):
    x, y = (GAP + (i % cols) * (size + GAP), GAP + (i // cols) * (size + CAPTION + GAP)) if cols * rows > 1 else (0, 0)
    tile = img[y:y + size, x:x + size]
    if tile.std() > 0: tiles.append(tile)
print(" ".join("%.4f" % share(t) for t in tiles), "| mean |tile_i - tile_j|:",
      "%.1f" % np.mean([np.abs(a.astype(float) - b).mean() for i, a in enumerate(tiles) for b in tiles[i + 1:]]) if len(tiles) > 1 else "")
