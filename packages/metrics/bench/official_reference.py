"""Times the OFFICIAL Python evaluators on the benchmark inputs (imported from user-provided checkouts,
never copied): prints one JSON line per task with CPU seconds (self + children) and the numbers.

Usage: python3 official_reference.py OFFICIAL_CODE_DIR TASKS_JSON
  OFFICIAL_CODE_DIR holds checkouts named davis2017-evaluation, moment_detr, TimeChat.
  TASKS_JSON: {"jf": {...}, "qvh": {...}, "charades": {...}, "vhd": {...}} as written by metrics.bench.mjs.
"""
import contextlib
import io
import json
import os
import resource
import runpy
import sys
import types

import numpy as np

root, tasks_path = sys.argv[1:3]
tasks = json.load(open(tasks_path))


def cpu():
    s = resource.getrusage(resource.RUSAGE_SELF)
    c = resource.getrusage(resource.RUSAGE_CHILDREN)
    return s.ru_utime + s.ru_stime + c.ru_utime + c.ru_stime


def emit(name, seconds, result):
    print(json.dumps({'task': name, 'cpu_seconds': seconds, 'result': result}), flush=True)


def ellipse_params(e, t, h, w):
    cy = h // 4 + ((e * 37 + t * 5) % (h // 2))
    cx = w // 4 + ((e * 53 + t * 7) % (w // 2))
    ry = h // 10 + ((e * 11) % (h // 8))
    rx = w // 10 + ((e * 13) % (w // 8))
    dy = ((e + t) % 7) - 3
    dx = ((e * 3 + t) % 9) - 4
    return (cy, cx, ry, rx), (cy + dy, cx + dx, ry + ((t % 5) - 2), rx + ((e % 5) - 2))


def ellipse_mask(p, h, w, t):
    m = np.zeros((h, w), np.uint8)
    if t % 10 == 9:
        return m
    cy, cx, ry, rx = p
    ya, yb = max(0, cy - ry), min(h - 1, cy + ry)
    xa, xb = max(0, cx - rx), min(w - 1, cx + rx)
    y, x = np.mgrid[ya:yb + 1, xa:xb + 1]
    m[ya:yb + 1, xa:xb + 1][((y - cy) ** 2 * rx * rx + (x - cx) ** 2 * ry * ry) <= rx * rx * ry * ry] = 1
    return m


if 'jf' in tasks:
    try:
        import skimage.morphology  # noqa: F401
    except ImportError:  # scikit-image only provides `disk`; same definition
        def disk(radius, dtype=np.uint8):
            r = int(radius)
            yy, xx = np.mgrid[-r:r + 1, -r:r + 1]
            return (xx * xx + yy * yy <= radius * radius).astype(dtype)
        sk = types.ModuleType('skimage')
        morph = types.ModuleType('skimage.morphology')
        morph.disk = disk
        sk.morphology = morph
        sys.modules['skimage'] = sk
        sys.modules['skimage.morphology'] = morph
    sys.path.insert(0, os.path.join(root, 'davis2017-evaluation'))
    from davis2017.metrics import db_eval_boundary, db_eval_iou
    for size in tasks['jf']['sizes']:
        h, w = size
        total = 0.0
        jf_sum = 0.0
        for e in range(tasks['jf']['expressions']):
            frames = tasks['jf']['frames']
            gt = np.stack([ellipse_mask(ellipse_params(e, t, h, w)[0], h, w, t) for t in range(frames)])
            pr = np.stack([ellipse_mask(ellipse_params(e, t, h, w)[1], h, w, t) for t in range(frames)])
            t0 = cpu()
            j = db_eval_iou(gt, pr).mean()
            f = db_eval_boundary(gt, pr).mean()
            total += cpu() - t0
            jf_sum += (j + f) / 2
        emit(f'jf-{h}x{w}', total, {'JF_sum': jf_sum})

if 'qvh' in tasks:
    sys.path.insert(0, os.path.join(root, 'moment_detr'))
    from standalone_eval.eval import eval_submission
    from standalone_eval.utils import load_jsonl
    sub = load_jsonl(tasks['qvh']['pred'])
    gt = load_jsonl(tasks['qvh']['gt'])
    t0 = cpu()
    with contextlib.redirect_stdout(io.StringIO()):
        res = eval_submission(sub, gt, verbose=False)
    emit('qvhighlights', cpu() - t0, res['brief'])

if 'charades' in tasks:
    script = os.path.join(root, 'TimeChat', 'metrics', 'tvg', 'eval_tvg.py')
    sys.argv = [script, '--pred_file', tasks['charades']['pred'], '--gt_file', tasks['charades']['gt'], '--sample']
    buf = io.StringIO()
    t0 = cpu()
    with contextlib.redirect_stdout(buf):
        runpy.run_path(script, run_name='__main__')
    emit('charades', cpu() - t0, buf.getvalue().strip().splitlines()[-3:])
