import { tf } from '@videoloom/backend';
import type { Tensor } from '../layers/ops.js';

/** Label value that carries no loss (PyTorch's ignore index). */
export const IGNORE_INDEX = -100;

/**
 * Next-token cross-entropy: `CE(logits[:, :-1], labels[:, 1:])`, ignoring `-100`, one mean over every
 * counted token of the batch. Uses a one-hot product (gather has no gradient on tfjs-wasm).
 *
 * @param logits float32 `[B, L, V]`
 * @param labels int32 values, `B * L` of them, row-major (`-100` = ignored)
 * @returns float32 scalar, and the number of counted tokens
 */
export function causalLmLoss(logits: Tensor, labels: ArrayLike<number>): { loss: Tensor; tokens: number } {
  const [B, L, V] = logits.shape as [number, number, number];
  const targets = new Int32Array(B * (L - 1));
  const weights = new Float32Array(B * (L - 1));
  let tokens = 0;
  for (let b = 0; b < B; b++) {
    for (let i = 0; i < L - 1; i++) {
      const label = labels[b * L + i + 1] as number;
      if (label === IGNORE_INDEX) continue;
      targets[b * (L - 1) + i] = label;
      weights[b * (L - 1) + i] = 1;
      tokens++;
    }
  }
  const loss = tf.tidy(() => {
    const shifted = logits.slice([0, 0, 0], [B, L - 1, V]).reshape([B * (L - 1), V]);
    const logProbabilities = tf.logSoftmax(shifted, -1);
    const picked = tf.sum(tf.mul(logProbabilities, tf.oneHot(tf.tensor1d(targets, 'int32'), V)), -1);
    return tf.div(tf.neg(tf.sum(tf.mul(picked, tf.tensor1d(weights)))), Math.max(tokens, 1));
  });
  return { loss, tokens };
}

/**
 * Labels for `causalLmLoss` from a 0/1 loss mask (e.g. a `SlowFastPrompt`'s `lossMask`): the token id
 * where the mask is 1, `-100` elsewhere.
 */
export function labelsFromLossMask(ids: ArrayLike<number>, lossMask: ArrayLike<number>): Int32Array {
  return Int32Array.from({ length: ids.length }, (_, i) => (lossMask[i] ? (ids[i] as number) : IGNORE_INDEX));
}
