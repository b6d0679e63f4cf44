"""Golden ImageNet normalisation table for @videoloom/slowfast's preprocessing tests.

For every uint8 level v and channel c: float32((float32(v / 255) - mean[c]) / std[c]), computed with
numpy float32 arithmetic as torchvision's ToTensor + Normalize do. Writes
packages/slowfast/test/fixtures/imagenet-normalisation.json.

Run from the repository root with Debian's python3 (numpy):
    /usr/bin/python3 tools/video/make-normalisation-fixture.py
"""
import json
import os

import numpy as np

OUT = os.path.join(os.path.dirname(__file__), '..', '..', 'packages', 'slowfast', 'test', 'fixtures', 'imagenet-normalisation.json')

mean = np.array([0.485, 0.456, 0.406], dtype=np.float32)
std = np.array([0.229, 0.224, 0.225], dtype=np.float32)
levels = np.arange(256, dtype=np.uint8).astype(np.float32) / np.float32(255)
table = (levels[None, :] - mean[:, None]) / std[:, None]
assert table.dtype == np.float32
with open(OUT, 'w') as f:
    # repr of a float32 converted to float64 round-trips exactly through JSON
    json.dump({'mean': mean.tolist(), 'std': std.tolist(), 'table': [[float(x) for x in row] for row in table]}, f)
    f.write('\n')
