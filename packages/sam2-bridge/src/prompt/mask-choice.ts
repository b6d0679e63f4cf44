import { bestMultimaskIndex } from '../image/postprocess.js';

/** SAM2's dynamic multimask fallback, as its builders set it (`dynamic_multimask_via_stability`). */
export const SAM2_DYNAMIC_MULTIMASK = Object.freeze({ stabilityDelta: 0.05, stabilityThreshold: 0.98 });

/**
 * SAM2's mask stability score: pixels with logit > δ over pixels with logit > −δ (1 when none).
 * @param logits float32, one low-res mask plane at `offset`, `plane` values long
 */
export function stabilityScore(logits: Float32Array, offset: number, plane: number, delta: number): number {
  let inner = 0;
  let outer = 0;
  for (let i = offset; i < offset + plane; i++) {
    const v = logits[i] as number;
    if (v > delta) inner++;
    if (v > -delta) outer++;
  }
  return outer > 0 ? inner / outer : 1;
}

/**
 * Which decoder output SAM2 uses on a frame prompted with `pointCount` points (a box is 2), object
 * `b` (`_use_multimask` with the video configs, then `MaskDecoder._dynamic_multimask_via_stability`):
 * - at most one point: the best of masks 1..3 by predicted IoU, and the pointer from that token;
 * - two or more: mask 0, unless its stability score is under 0.98, then the best of 1..3; the
 *   object pointer comes from token 0 either way.
 * @param masks float32 [B, 4, L, L] low-res logits; `iou` float32 [B, 4]; `plane` = L·L
 */
export function promptedMaskChoice(
  masks: Float32Array,
  iou: Float32Array,
  b: number,
  plane: number,
  pointCount: number,
): { maskIndex: number; pointerIndex: number } {
  if (pointCount <= 1) {
    const best = bestMultimaskIndex(iou, b * 4);
    return { maskIndex: best, pointerIndex: best };
  }
  const { stabilityDelta, stabilityThreshold } = SAM2_DYNAMIC_MULTIMASK;
  const stable = stabilityScore(masks, b * 4 * plane, plane, stabilityDelta) >= stabilityThreshold;
  return { maskIndex: stable ? 0 : bestMultimaskIndex(iou, b * 4), pointerIndex: 0 };
}

/**
 * Gain that turns the memory encoder's `sigmoid(x) · 20 − 10` into SAM2's binarised mask for
 * prompted frames (`binarize_mask_from_pts_for_mem_enc`: high-res logits > 0 → ±10). The graph
 * upsamples bilinearly before the sigmoid, and upsampling is linear, so scaling the low-res logits
 * keeps the sign of every upsampled value; sigmoid saturates to exactly 0 or 1 in float32 wherever
 * |upsampled logit| > 0.009.
 */
export const BINARIZE_GAIN = 1e4;
