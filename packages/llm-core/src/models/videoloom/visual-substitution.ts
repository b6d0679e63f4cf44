import { tf } from '@videoloom/backend';
import { TensorShapeError, VisualTokenCountError } from '../../errors/index.js';
import { gatherRows, type Tensor } from '../../layers/ops.js';

/** One contiguous block of visual positions (e.g. one frame's `<IMG_CONTEXT>` run). */
export interface VisualRun {
  /** Position of the run's first visual token in the sequence. */
  readonly start: number;
  /** Number of visual tokens in the run. */
  readonly length: number;
  /** Row of the run's first token in the concatenated visual tokens; checked when present. */
  readonly visualTokenOffset?: number;
}

/**
 * A token sequence and where its visual tokens go. Works with any layout map; a `SlowFastPrompt` of
 * @videoloom/slowfast is one as it is (its `ids` and `runs`). Visual positions come from, in order of
 * precedence: `visualPositions`, `runs`, or every position holding the `<IMG_CONTEXT>` id.
 */
export interface TokenSequence {
  /** Token ids of the whole sequence (prompt), length L. */
  readonly ids: ArrayLike<number>;
  /** Ascending positions that receive visual tokens, in the order the visual tokens are given. @defaultValue from `runs`, else positions whose id is `<IMG_CONTEXT>` */
  readonly visualPositions?: ArrayLike<number>;
  /** Visual runs in sequence order (their tokens are consumed in this order). @defaultValue none */
  readonly runs?: readonly VisualRun[];
}

/** The positions that receive visual tokens, validated. */
export function visualPositionsOf(sequence: TokenSequence, imgContextId: number): number[] {
  const positions: number[] = [];
  if (!sequence.visualPositions && sequence.runs) {
    for (const [index, run] of sequence.runs.entries()) {
      if (run.visualTokenOffset !== undefined && run.visualTokenOffset !== positions.length) {
        throw new TensorShapeError(
          `sequence.runs[${index}].visualTokenOffset`,
          `${positions.length} (runs must be in the order their visual tokens are concatenated)`,
          String(run.visualTokenOffset),
        );
      }
      for (let k = 0; k < run.length; k++) positions.push(run.start + k);
    }
  } else if (sequence.visualPositions) {
    for (let i = 0; i < sequence.visualPositions.length; i++)
      positions.push(sequence.visualPositions[i] as number);
  } else {
    for (let i = 0; i < sequence.ids.length; i++) if (sequence.ids[i] === imgContextId) positions.push(i);
    return positions;
  }
  let previous = -1;
  for (const [i, p] of positions.entries()) {
    if (!Number.isInteger(p) || p <= previous || p >= sequence.ids.length) {
      throw new TensorShapeError(
        sequence.visualPositions ? 'sequence.visualPositions' : 'sequence.runs',
        `strictly ascending positions in [0, ${sequence.ids.length})`,
        `${p} at visual token ${i}`,
      );
    }
    previous = p;
  }
  return positions;
}

/**
 * Embeds a sequence and overwrites its visual positions, in order, with the visual tokens (section 6
 * of the model reference). Differentiable in both the embedding table and the visual tokens.
 *
 * @param embedTable float32 `[V, D]`
 * @param visualTokens float32 `[N, D]` (concatenated frame by frame, row-major inside a frame), or null when N = 0
 * @returns float32 `[1, L, D]`
 */
export function embedWithVisualTokens(
  embedTable: Tensor,
  sequence: TokenSequence,
  visualTokens: Tensor | null,
  imgContextId: number,
  /** Maps token ids to embedding rows (a vocabulary subset); identity when absent. */
  rowOf?: (tokenId: number) => number,
): Tensor {
  const positions = visualPositionsOf(sequence, imgContextId);
  const received = visualTokens ? (visualTokens.shape[0] as number) : 0;
  if (positions.length !== received)
    throw new VisualTokenCountError('visualTokens', positions.length, received);
  const L = sequence.ids.length;
  const ids = Int32Array.from(sequence.ids as ArrayLike<number>, (id) => (rowOf ? rowOf(id) : id));
  return tf.tidy(() => {
    if (!visualTokens || received === 0) return gatherRows(embedTable, tf.tensor2d(ids, [1, L], 'int32'));
    // Gather from [text embeddings of the sequence ; visual tokens]: row i is text row i, unless i
    // is the k-th visual position, then row L + k.
    const text = gatherRows(embedTable, tf.tensor1d(ids, 'int32'));
    const source = Int32Array.from({ length: L }, (_, i) => i);
    positions.forEach((p, k) => {
      source[p] = L + k;
    });
    return gatherRows(tf.concat([text, visualTokens], 0), tf.tensor1d(source, 'int32')).reshape([
      1,
      L,
      embedTable.shape[1] as number,
    ]);
  });
}
