// The tiny stage builders live with the other graph builders; the testing entry re-exports them.
export {
  buildTinyImageEncoder,
  buildTinyMemoryAttention,
  buildTinyMemoryEncoder,
  type TinyStageGraphOptions,
} from '../onnx/tiny-stage-graphs.js';
