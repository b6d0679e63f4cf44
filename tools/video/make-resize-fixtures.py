"""Golden outputs of Pillow's resize for @videoloom/video-io's resampler tests.

Writes packages/video-io/test/fixtures/resize/*.png (8-bit RGB) and manifest.json.
The source picture is procedural (no external image): gradients, a zone plate (fine detail that
aliases without antialiasing), hard-edged shapes and low-amplitude hashed noise in one patch.

Run from the repository root with Debian's python3 (numpy + Pillow):
    /usr/bin/python3 tools/video/make-resize-fixtures.py
"""
import json
import os

import numpy as np
import PIL
from PIL import Image

OUT = os.path.join(os.path.dirname(__file__), '..', '..', 'packages', 'video-io', 'test', 'fixtures', 'resize')


def source_picture(width=960, height=540):
    y, x = np.mgrid[0:height, 0:width].astype(np.float64)
    r = 255 * x / (width - 1)
    g = 255 * y / (height - 1)
    cx, cy = width * 0.7, height * 0.5
    zone = 127.5 + 127.5 * np.cos(((x - cx) ** 2 + (y - cy) ** 2) * (np.pi / (2.0 * width)))
    b = zone
    img = np.stack([r, g, b], axis=-1)
    # hard-edged shapes: a white box, a black bar, a red disc
    img[60:200, 80:300] = 255
    img[300:320, :] = 0
    disc = (x - 200) ** 2 + (y - 420) ** 2 < 70 ** 2
    img[disc] = [230, 20, 30]
    # deterministic low-amplitude noise (a hash of the coordinates), in one patch to keep files small
    h = ((x.astype(np.int64) * 73856093) ^ (y.astype(np.int64) * 19349663)) % 17 - 8
    patch = (x >= 420) & (x < 520) & (y >= 40) & (y < 140)
    img = img + (h * patch)[..., None]
    return np.clip(np.rint(img), 0, 255).astype(np.uint8)


def write(name, array):
    # PNG (8-bit RGB, lossless): its row filters keep gradients small
    Image.fromarray(np.ascontiguousarray(array)).save(os.path.join(OUT, name), optimize=True)


def main():
    os.makedirs(OUT, exist_ok=True)
    src = source_picture()
    crop = src[:360, :640]
    write('source-960x540.png', src)
    cases = [
        ('source-960x540', src, 448, 448, 'bicubic'),
        ('source-960x540', src, 1024, 1024, 'bicubic'),
        ('source-960x540', src, 448, 448, 'bilinear'),
        ('crop-640x360', crop, 448, 448, 'bicubic'),
        ('crop-640x360', crop, 101, 37, 'bicubic'),
    ]
    filters = {'bicubic': Image.BICUBIC, 'bilinear': Image.BILINEAR}
    manifest = {'pillow': PIL.__version__, 'source': 'source-960x540.png', 'sourceWidth': 960, 'sourceHeight': 540, 'cases': []}
    for input_name, array, w, h, flt in cases:
        out = np.asarray(Image.fromarray(array).resize((w, h), filters[flt]))
        name = f'{input_name}-to-{w}x{h}-{flt}.png'
        write(name, out)
        manifest['cases'].append({'input': input_name, 'width': w, 'height': h, 'filter': flt, 'file': name})
    with open(os.path.join(OUT, 'manifest.json'), 'w') as f:
        json.dump(manifest, f, indent=2)
        f.write('\n')


if __name__ == '__main__':
    main()
