import cv2, numpy as np, sys
W, H = int(sys.argv[1]), int(sys.argv[2]); out = sys.argv[3]; F = 80
img = cv2.imread('/work/shared/images/eagle.jpg').astype(np.float32)
img = cv2.resize(img, (W + F, H), interpolation=cv2.INTER_AREA)
p = img[:, :W].copy()
a = (np.arange(F) / F)[None, :, None]
p[:, :F] = (1 - a) * img[:, W:W + F] + a * img[:, :F]   # first F columns fade from the photo's continuation
cv2.imwrite(out, np.clip(np.round(p), 0, 255).astype(np.uint8))
turned = np.roll(p, W // 2, axis=1)
cv2.imwrite(out.replace('.png', '-turned.png'), np.clip(np.round(turned), 0, 255).astype(np.uint8))
