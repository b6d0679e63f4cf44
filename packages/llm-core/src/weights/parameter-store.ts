import { SafetensorsFormatError, tf } from '@videoloom/backend';
import type { Tensor } from '../layers/ops.js';

type Variable = ReturnType<typeof tf.variable>;

/** Which trainable group a parameter belongs to (what `freeze` policies select). */
export type ParameterGroup =
  | 'vision'
  | 'projector'
  | 'decoder'
  | 'embed_tokens'
  | 'lm_head'
  | 'seg_head'
  | 'lora';

/** How a fresh parameter is initialised when a model is created without a checkpoint. */
export type ParameterInit = 'normal' | 'zeros' | 'ones' | 'layer-scale' | 'lora-a';

/** One named parameter, in the checkpoint's own name and layout. */
export interface ParameterSpec {
  /** Hugging Face checkpoint name, e.g. `language_model.model.layers.0.self_attn.q_proj.weight`. */
  readonly name: string;
  /** Shape as stored in checkpoints (Linear weights `[out, in]`). */
  readonly shape: readonly number[];
  /**
   * True for Linear weights: held in memory as `[in, out]` (transposed once at load) so that forward
   * and backward are plain matMuls; transposed back when saving.
   */
  readonly transposed: boolean;
  readonly group: ParameterGroup;
  readonly init: ParameterInit;
  /** Standard deviation of a `'normal'` init (the module's `initializerRange`). @defaultValue 0.02 */
  readonly std?: number;
}

/** The specs with `std` set on every `'normal'` one (a module's `initializerRange`). */
export function withNormalStd(specs: readonly ParameterSpec[], std: number): ParameterSpec[] {
  return specs.map((spec) => (spec.init === 'normal' ? { ...spec, std } : spec));
}

/** Builds the spec of a Linear layer's weight (and bias when `bias`). */
export function linearSpecs(
  prefix: string,
  inFeatures: number,
  outFeatures: number,
  bias: boolean,
  group: ParameterGroup,
): ParameterSpec[] {
  const specs: ParameterSpec[] = [
    { name: `${prefix}.weight`, shape: [outFeatures, inFeatures], transposed: true, group, init: 'normal' },
  ];
  if (bias)
    specs.push({ name: `${prefix}.bias`, shape: [outFeatures], transposed: false, group, init: 'zeros' });
  return specs;
}

/** The live parameters of one model, keyed by checkpoint name (fp32 tf.Variables). */
export class ParameterStore {
  private readonly variables = new Map<string, Variable>();
  private readonly specByName = new Map<string, ParameterSpec>();

  constructor(readonly specs: readonly ParameterSpec[]) {
    for (const spec of specs) this.specByName.set(spec.name, spec);
  }

  /** The in-memory tensor of `name` (Linear weights come back as `[in, out]`). */
  get(name: string): Variable {
    const v = this.variables.get(name);
    if (!v)
      throw new SafetensorsFormatError('(model parameters)', 'parameter was never loaded or created', name);
    return v;
  }

  has(name: string): boolean {
    return this.variables.has(name);
  }

  spec(name: string): ParameterSpec | undefined {
    return this.specByName.get(name);
  }

  /**
   * Sets a parameter from checkpoint-layout data (`spec.shape`), transposing Linear weights. Takes
   * ownership of nothing: `data` is copied into a new variable; any previous variable is disposed.
   */
  setFromCheckpoint(name: string, data: Float32Array): void {
    const spec = this.specByName.get(name);
    if (!spec)
      throw new SafetensorsFormatError('(model parameters)', 'no such parameter in this model', name);
    const value = tf.tidy(() => {
      const t = tf.tensor(data, [...spec.shape], 'float32');
      return spec.transposed ? tf.transpose(t) : t;
    });
    this.setTensor(name, value);
  }

  /** Replaces a parameter with `value` (in-memory layout); the store keeps `value` wrapped in a variable. */
  setTensor(name: string, value: Tensor): void {
    this.variables.get(name)?.dispose();
    const spec = this.specByName.get(name);
    const variable = tf.variable(value, spec?.group === 'vision' ? false : true);
    value.dispose();
    this.variables.set(name, variable);
  }

  /** Adds specs after construction (LoRA adapters are attached to an existing model). */
  addSpecs(specs: readonly ParameterSpec[]): void {
    for (const s of specs) {
      this.specByName.set(s.name, s);
      (this.specs as ParameterSpec[]).push(s);
    }
  }

  /** Parameter names in spec order. */
  names(): string[] {
    return this.specs.map((s) => s.name).filter((n) => this.variables.has(n));
  }

  /** Checkpoint-layout host data of one parameter (transposes Linear weights back to `[out, in]`). */
  async toCheckpoint(name: string): Promise<{ shape: number[]; data: Float32Array }> {
    const spec = this.specByName.get(name);
    const v = this.get(name);
    const t = spec?.transposed ? tf.transpose(v) : v;
    const data = (await t.data()) as Float32Array;
    if (t !== v) t.dispose();
    return { shape: [...(spec?.shape ?? v.shape)], data };
  }

  /** Total number of scalar parameters held. */
  count(): number {
    let total = 0;
    for (const v of this.variables.values()) total += v.size;
    return total;
  }

  /** Variables of the given groups (for optimisers). */
  variablesOf(groups: ReadonlySet<ParameterGroup>): Variable[] {
    return this.specs
      .filter((s) => groups.has(s.group) && this.variables.has(s.name))
      .map((s) => this.get(s.name));
  }

  /** Marks variables trainable or frozen by group; frozen ones get no gradient computed. */
  setTrainable(groups: ReadonlySet<ParameterGroup>): void {
    for (const s of this.specs) {
      const v = this.variables.get(s.name);
      if (v) v.trainable = groups.has(s.group);
    }
  }

  dispose(): void {
    for (const v of this.variables.values()) v.dispose();
    this.variables.clear();
  }
}

/** Fresh random parameters for every spec (seeded): N(0, std ?? 0.02) weights, zero biases, unit norms. */
export function initializeParameters(
  store: ParameterStore,
  specs: readonly ParameterSpec[],
  seed: number,
): void {
  let s = seed;
  for (const spec of specs) {
    const memoryShape = spec.transposed
      ? [spec.shape[1] as number, spec.shape[0] as number]
      : [...spec.shape];
    s += 1;
    const value = tf.tidy(() => {
      switch (spec.init) {
        case 'zeros':
          return tf.zeros(memoryShape);
        case 'ones':
          return tf.ones(memoryShape);
        case 'layer-scale':
          return tf.fill(memoryShape, 0.1);
        case 'lora-a': {
          // Kaiming-uniform with a = sqrt(5) (PEFT's default for A): bound = 1 / sqrt(fan_in).
          const bound = 1 / Math.sqrt(spec.shape[1] as number);
          return tf.randomUniform(memoryShape, -bound, bound, 'float32', s);
        }
        default:
          return tf.randomNormal(memoryShape, 0, spec.std ?? 0.02, 'float32', s);
      }
    });
    store.setTensor(spec.name, value);
  }
}
