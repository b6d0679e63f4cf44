import { tf } from '@videoloom/backend';
import { TfjsTinySam2 } from '@videoloom/sam2-bridge';
import { tinyTokenizerDir } from '@videoloom/tokenizer';
import type { MaskLossModel } from './joint-loss.js';
import type { MaskModelIo } from './train-run.js';

/** The tokenizer a run uses when none is given: the tiny vocabulary shipped with @videoloom/tokenizer. */
export function defaultTokenizerDir(): string {
  return tinyTokenizerDir();
}

/** sam2-bridge's trainable tiny SAM2 as the joint loss's mask model. */
export class TinySam2MaskLoss implements MaskLossModel {
  constructor(readonly sam2: TfjsTinySam2) {}

  dispose(): void {
    this.sam2.dispose();
  }

  get trainableVariables(): readonly tf.Variable[] {
    return this.sam2.trainableVariables;
  }

  maskLoss(
    rgbFrames: readonly { rgb: Uint8Array; width: number; height: number }[],
    prompt: tf.Tensor,
    masks: readonly Uint8Array[],
  ): tf.Scalar {
    const k = rgbFrames.length;
    const { width, height } = rgbFrames[0]!;
    const images = this.sam2.preprocess(
      rgbFrames.map((f) => ({ width: f.width, height: f.height, data: f.rgb })),
    );
    const targetData = new Float32Array(k * width * height);
    for (const [i, m] of masks.entries()) targetData.set(m, i * width * height);
    const targets = tf.tensor3d(targetData, [k, height, width]);
    // One [SEG] prompt for every frame: [1, 256] -> [k, 1, 256].
    const promptEmbed = tf.tile(prompt.reshape([1, 1, -1]), [k, 1, 1]) as tf.Tensor3D;
    const output = this.sam2.forward({ images, promptEmbed });
    const loss = this.sam2.loss(output, targets, { objectScoreWeight: 0.5 });
    return loss;
  }
}

/** Creates, saves and restores the tiny SAM2 of a run. */
export function defaultMaskModelIo(): MaskModelIo {
  return {
    create: (seed) =>
      new TinySam2MaskLoss(
        TfjsTinySam2.create({ config: 'tiny-128', seed, behaviour: { promptEveryFrame: true } }),
      ),
    load: async (dir) => new TinySam2MaskLoss(await TfjsTinySam2.load(dir)),
    save: async (model, dir) => {
      await (model as TinySam2MaskLoss).sam2.save(dir);
    },
  };
}
