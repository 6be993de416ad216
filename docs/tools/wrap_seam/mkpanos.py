import cv2, numpy as np, sys
# small 2:1 panoramas from different horizontal offsets of the eagle (cross-faded like mkpano.py)
W, H, off, out = int(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3]), sys.argv[4]; F = 40
img = cv2.imread('/work/shared/images/eagle.jpg').astype(np.float32)
img = cv2.resize(img, (2 * W, H), interpolation=cv2.INTER_AREA)
src = img[:, off:off + W + F]; assert src.shape[1] == W + F, src.shape
p = src[:, :W].copy(); a = (np.arange(F) / F)[None, :, None]
p[:, :F] = (1 - a) * src[:, W:W + F] + a * src[:, :F]
cv2.imwrite(out, np.clip(np.round(p), 0, 255).astype(np.uint8))
cv2.imwrite(out.replace('.png', '-turned.png'), np.clip(np.round(np.roll(p, W // 2, axis=1)), 0, 255).astype(np.uint8))
