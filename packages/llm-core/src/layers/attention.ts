import { tf } from '@videoloom/backend';
import { matMul2d, type Tensor } from './ops.js';

type Tensor3D = ReturnType<typeof tf.tensor3d>;

/**
 * Scaled dot-product attention for one sequence, built from 2-D matMuls (the fast path on tfjs-wasm).
 * The query heads that share a key/value head are stacked into one `[g * Lq, hd]` operand.
 *
 * @param query float32 `[H, Lq, hd]`
 * @param key float32 `[KV, Lk, hd]` (H must be a multiple of KV; query heads j*g..j*g+g-1 use kv head j)
 * @param value float32 `[KV, Lk, hd]`
 * @param additiveMask float32 `[Lq, Lk]` added to the scores (0 visible, -1e9 hidden), or null
 * @returns float32 `[Lq, H * hd]`, heads concatenated in order
 */
export function attention(query: Tensor, key: Tensor, value: Tensor, additiveMask: Tensor | null): Tensor {
  const [numHeads, queryLength, headDim] = query.shape as [number, number, number];
  const [numKv, keyLength] = key.shape as [number, number, number];
  const group = numHeads / numKv;
  const scale = 1 / Math.sqrt(headDim);
  if (group * queryLength <= SMALL_QUERY_ROWS && !tf.engine().isTapeOn()) {
    return smallQueryAttention(query, key, value, additiveMask, scale);
  }
  const outputs: Tensor[] = [];
  for (let j = 0; j < numKv; j++) {
    const q = query
      .slice([j * group, 0, 0], [group, queryLength, headDim])
      .reshape([group * queryLength, headDim]);
    const k = key.slice([j, 0, 0], [1, keyLength, headDim]).reshape([keyLength, headDim]);
    const v = value.slice([j, 0, 0], [1, keyLength, headDim]).reshape([keyLength, headDim]);
    let scores: Tensor = tf.mul(matMul2d(q, tf.transpose(k)), scale);
    if (additiveMask) {
      scores = tf
        .add(scores.reshape([group, queryLength, keyLength]), additiveMask)
        .reshape([group * queryLength, keyLength]);
    }
    const probabilities = tf.softmax(scores, -1);
    outputs.push(matMul2d(probabilities, v).reshape([group, queryLength, headDim]));
  }
  const heads = outputs.length === 1 ? (outputs[0] as Tensor) : tf.concat(outputs, 0);
  return tf.transpose(heads, [1, 0, 2]).reshape([queryLength, numHeads * headDim]);
}

/**
 * Decode-time queries (a few rows per kv head): one batched matMul over all kv heads. Batched matMuls
 * take tfjs-wasm's slow path, but at this size dispatching ~10 ops instead of ~15 per kv head wins.
 */
const SMALL_QUERY_ROWS = 16;

function smallQueryAttention(
  query: Tensor,
  key: Tensor,
  value: Tensor,
  additiveMask: Tensor | null,
  scale: number,
): Tensor {
  const [numHeads, queryLength, headDim] = query.shape as [number, number, number];
  const [numKv, keyLength] = key.shape as [number, number, number];
  const rows = (numHeads / numKv) * queryLength;
  const q = query.reshape([numKv, rows, headDim]) as Tensor3D;
  let scores: Tensor = tf.mul(tf.matMul(q, key as Tensor3D, false, true), scale); // [KV, g*Lq, Lk]
  if (additiveMask) {
    scores = tf
      .add(scores.reshape([numHeads, queryLength, keyLength]), additiveMask)
      .reshape([numKv, rows, keyLength]);
  }
  const out = tf
    .matMul(tf.softmax(scores, -1) as Tensor3D, value as Tensor3D)
    .reshape([numHeads, queryLength, headDim]);
  return tf.transpose(out, [1, 0, 2]).reshape([queryLength, numHeads * headDim]);
}

/** Additive causal mask `[L, past + L]`: query i (at absolute position past + i) sees keys 0..past + i. */
export function causalMask(queryLength: number, pastLength: number): Tensor {
  const total = pastLength + queryLength;
  const values = new Float32Array(queryLength * total);
  for (let i = 0; i < queryLength; i++) {
    for (let j = pastLength + i + 1; j < total; j++) values[i * total + j] = -1e9;
  }
  return tf.tensor2d(values, [queryLength, total]);
}

/**
 * Unmasked attention over a batch of independent sequences (e.g. every image x head of a vision
 * encoder) as two batched products. Keys are transposed explicitly: matMul's transpose flags leave
 * tfjs-wasm's fast kernel.
 *
 * @param query float32 `[B, Lq, hd]`
 * @param key float32 `[B, Lk, hd]`
 * @param value float32 `[B, Lk, hd]`
 * @returns float32 `[B, Lq, hd]`
 */
export function batchedAttention(query: Tensor, key: Tensor, value: Tensor): Tensor {
  const headDim = query.shape[2] as number;
  const scores = tf.mul(
    tf.matMul(query as Tensor3D, tf.transpose(key, [0, 2, 1]) as Tensor3D),
    1 / Math.sqrt(headDim),
  );
  return tf.matMul(tf.softmax(scores, -1) as Tensor3D, value as Tensor3D);
}
