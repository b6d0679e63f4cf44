// Deterministic synthetic referring-VOS masks, generated identically by official_reference.py:
// expression e, frame t: GT = ellipse centred (cy, cx) with radii (ry, rx); prediction = the same ellipse
// shifted and resized a little. Integer arithmetic only, so both languages produce the same pixels.

/** Parameters of the GT and predicted ellipse of one frame. */
export function ellipseParams(e, t, height, width) {
  const cy = Math.floor(height / 4) + ((e * 37 + t * 5) % Math.floor(height / 2));
  const cx = Math.floor(width / 4) + ((e * 53 + t * 7) % Math.floor(width / 2));
  const ry = Math.floor(height / 10) + ((e * 11) % Math.floor(height / 8));
  const rx = Math.floor(width / 10) + ((e * 13) % Math.floor(width / 8));
  const dy = ((e + t) % 7) - 3;
  const dx = ((e * 3 + t) % 9) - 4;
  return {
    gt: { cy, cx, ry, rx },
    pred: { cy: cy + dy, cx: cx + dx, ry: ry + ((t % 5) - 2), rx: rx + ((e % 5) - 2) },
  };
}

/** Row-major uint8 ellipse mask: (y-cy)^2 * rx^2 + (x-cx)^2 * ry^2 <= rx^2 * ry^2; empty on frames t % 10 === 9. */
export function ellipseMask(p, height, width, t) {
  const data = new Uint8Array(height * width);
  if (t % 10 === 9) return data; // absent frames, as in MeViS
  const rx2 = p.rx * p.rx;
  const ry2 = p.ry * p.ry;
  const lim = rx2 * ry2;
  for (let y = Math.max(0, p.cy - p.ry); y <= Math.min(height - 1, p.cy + p.ry); y++) {
    const dy2 = (y - p.cy) * (y - p.cy) * rx2;
    for (let x = Math.max(0, p.cx - p.rx); x <= Math.min(width - 1, p.cx + p.rx); x++) {
      if (dy2 + (x - p.cx) * (x - p.cx) * ry2 <= lim) data[y * width + x] = 1;
    }
  }
  return data;
}
