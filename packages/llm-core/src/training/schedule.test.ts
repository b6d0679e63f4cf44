import { selectTfjsBackend, tf } from '@videoloom/backend';
import { describe, expect, it } from 'vitest';
import { presetConfig } from '../models/videoloom/config.js';
import { VideoLoomModel } from '../models/videoloom/model.js';
import { IGNORE_INDEX } from './loss.js';
import { warmupCosineLearningRate } from './schedule.js';
import { Trainer } from './trainer.js';

describe('warm-up + cosine learning rate', () => {
  it('starts at 1e-5 x peak, reaches the peak after 5% of the steps, halves mid-decay and ends at 0', () => {
    const schedule = { totalSteps: 200 };
    expect(warmupCosineLearningRate(0, 4e-5, schedule)).toBeCloseTo(4e-10, 15);
    expect(warmupCosineLearningRate(10, 4e-5, schedule)).toBeCloseTo(4e-5, 12);
    expect(warmupCosineLearningRate(105, 4e-5, schedule)).toBeCloseTo(2e-5, 12);
    expect(warmupCosineLearningRate(200, 4e-5, schedule)).toBeCloseTo(0, 12);
    for (let s = 1; s < 10; s++) {
      expect(warmupCosineLearningRate(s, 1, schedule)).toBeGreaterThan(
        warmupCosineLearningRate(s - 1, 1, schedule),
      );
    }
  });

  it('the Trainer follows the schedule and applies decoupled weight decay', async () => {
    await selectTfjsBackend({ device: 'wasm' });
    const ids = [1, 2, 3, 4, 5, 6];
    const labels = [IGNORE_INDEX, ...ids.slice(1)];
    const headNorm = async (weightDecay: number) => {
      const model = VideoLoomModel.create(
        presetConfig('tiny', { lora: { rank: 8, alpha: 16, dropout: 0 } }),
        { seed: 9 },
      );
      const trainer = new Trainer(model, {
        learningRate: 1e-4,
        weightDecay,
        schedule: { totalSteps: 4, warmupRatio: 0.25 },
      });
      expect(trainer.learningRateAt(0)).toBeCloseTo(1e-4 * 1e-5, 12);
      expect(trainer.learningRateAt(1)).toBeCloseTo(1e-4, 12);
      for (let s = 0; s < 2; s++) await trainer.step([{ sequence: { ids }, labels }]);
      expect(trainer.stepsTaken).toBe(2);
      const norm = (await tf.norm(model.params.get('language_model.lm_head.weight')).data())[0] as number;
      trainer.dispose();
      model.dispose();
      return norm;
    };
    const plain = await headNorm(0);
    const decayed = await headNorm(1000);
    // The full-rate step multiplies the head by (1 - 1e-4 * 1000) = 0.9 before Adam's (±1e-4) update.
    expect(decayed / plain).toBeGreaterThan(0.88);
    expect(decayed / plain).toBeLessThan(0.92);
  });
});
