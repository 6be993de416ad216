#!/usr/bin/python3
"""Mean pairwise cosine of normalized Gram matrices (Lucid's diversity term / (N-1)) of activations
written by `deepdream probe --out DIR` (DIR/activation.npy, 1xCxHxW). Usage: gram_similarity.py DIR..."""
import sys
import numpy as np

grams = []
for d in sys.argv[1:]:
    a = np.load(d + "/activation.npy").astype(np.float64)[0]
    f = a.reshape(a.shape[0], -1)
    g = f @ f.T
    grams.append(g / np.linalg.norm(g))
pairs = [(grams[i] * grams[j]).sum() for i in range(len(grams)) for j in range(i + 1, len(grams))]
print("mean Gram cosine %.4f over %d pairs (%s)" % (np.mean(pairs), len(pairs), " ".join("%.4f" % p for p in pairs)))
