import { fileURLToPath } from 'node:url';

/**
 * Folder of the tiny VideoLoom checkpoint this package ships, trained on LoomBench-Synth by
 * `videoloom-train --config slowfast --export` (`nx run train:train`, see apps/train): `config.json`,
 * `model.safetensors`, the tokenizer files, `pipeline.json` and `sam2/` (the tiny SAM2 as ONNX stages). `VideoLoomPipeline.load(dir)` reads it.
 * Kept at the top of src/ so the relative path is the same from src/ (tests) and dist/index.js.
 */
export function bundledTinyCheckpointDir(): string {
  return fileURLToPath(new URL('../assets/videoloom-tiny/', import.meta.url));
}
