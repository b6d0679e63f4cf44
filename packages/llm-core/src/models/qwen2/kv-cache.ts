import type { Tensor } from '../../layers/ops.js';

/** Keys and values of one decoder layer for every position seen so far (after RoPE). */
export interface LayerKeyValues {
  /** float32 `[B, KV, T, headDim]` */
  readonly key: Tensor;
  /** float32 `[B, KV, T, headDim]` */
  readonly value: Tensor;
}

/** The decoder's KV cache: one entry per layer; `length` = T, the next position id. */
export interface KvCache {
  readonly layers: readonly LayerKeyValues[];
  readonly length: number;
}

/** Frees every tensor of a cache. */
export function disposeKvCache(cache: KvCache | null | undefined): void {
  if (!cache) return;
  for (const layer of cache.layers) {
    layer.key.dispose();
    layer.value.dispose();
  }
}
