// Test helpers of @videoloom/sam2-bridge: builders of small graphs that meet the four-stage contract.
export { GraphBuilder } from './graph-builder.js';
export { buildMaskDecoderGraph } from './mask-decoder-graph.js';
