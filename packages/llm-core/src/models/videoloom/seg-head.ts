import { tf } from '@videoloom/backend';
import { linear, type Tensor } from '../../layers/ops.js';
import { linearSpecs, type ParameterSpec, type ParameterStore } from '../../weights/parameter-store.js';

/** `text_hidden_fcs.0` (D -> D) and `text_hidden_fcs.2` (D -> outputSize); index 1 is the ReLU. */
export function segHeadParameterSpecs(llmWidth: number, outputSize: number): ParameterSpec[] {
  return [
    ...linearSpecs('text_hidden_fcs.0', llmWidth, llmWidth, true, 'seg_head'),
    ...linearSpecs('text_hidden_fcs.2', llmWidth, outputSize, true, 'seg_head'),
  ];
}

/**
 * The [SEG] projection: Linear -> ReLU -> Linear (dropout 0).
 * @param hidden float32 `[n, D]` final (post-norm) hidden states at [SEG] input positions
 * @returns float32 `[n, outputSize]` language embeddings for the SAM2 prompt
 */
export function runSegHead(params: ParameterStore, hidden: Tensor): Tensor {
  return tf.tidy(() => {
    const h = tf.relu(
      linear(hidden, params.get('text_hidden_fcs.0.weight'), params.get('text_hidden_fcs.0.bias')),
    );
    return linear(h, params.get('text_hidden_fcs.2.weight'), params.get('text_hidden_fcs.2.bias'));
  });
}
