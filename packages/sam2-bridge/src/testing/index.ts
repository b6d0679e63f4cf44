// Testing entry of @videoloom/sam2-bridge: builders of small graphs that meet the four-stage contract.
export { GraphBuilder } from '../onnx/graph-builder.js';
export { buildMaskDecoderGraph } from '../onnx/mask-decoder-graph.js';
export type { TinyStageGraphOptions } from '../onnx/tiny-stage-graphs.js';
export { type DiscScene, type DiscSceneOptions, drawDiscScene } from './disc-scene.js';
export { buildTinySam2, type TinySam2Files, writeTinySam2 } from './tiny-model.js';
export { buildTinyImageEncoder, buildTinyMemoryAttention, buildTinyMemoryEncoder } from './tiny-stages.js';
