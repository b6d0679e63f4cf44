import type { InferenceSession, Tensor as OrtTensor } from 'onnxruntime-common';
import type { BackendSelection, OrtExecutionProviderName } from '../backend.js';
import { ModelContractError } from '../errors/model-contract-error.js';
import { type InputMismatch, SessionInputError } from '../errors/session-input-error.js';
import { type HostTensor, wrapHostUntracked } from '../interop.js';
import { trackOrtTensor } from '../memory.js';
import { type SelectOptions, selectOrtExecutionProvider } from '../select.js';
import { loadOrt } from './ort.js';

/** An input or output as the model declares it. A string dim is symbolic (any size). */
export interface TensorSpec {
  readonly name: string;
  readonly dtype: string;
  readonly dims: readonly (number | string)[];
}

/** What a caller requires of a model: these inputs and outputs, by name, with these dtypes and dims. */
export interface ModelContract {
  readonly inputs: readonly TensorSpec[];
  readonly outputs: readonly TensorSpec[];
}

export interface CheckedSessionOptions extends SelectOptions {
  /** Name shown in errors for an in-memory model. @defaultValue the path, or "<in-memory model>" */
  readonly label?: string;
  /** Extra ONNX Runtime options; `executionProviders` is set from the device. */
  readonly sessionOptions?: Omit<InferenceSession.SessionOptions, 'executionProviders'>;
  /** When given, checked against the model's metadata at load time. */
  readonly contract?: ModelContract;
}

/**
 * An ONNX Runtime session that checks every run's feeds (names, dtypes, static dims) against the
 * model's metadata first, so a mismatch is a `SessionInputError` with expected vs received instead
 * of an opaque native error.
 */
export class CheckedSession {
  private constructor(
    private readonly session: InferenceSession,
    /** The model path or label, for messages. */
    readonly model: string,
    /** How the execution provider was chosen. */
    readonly selection: BackendSelection<OrtExecutionProviderName>,
    readonly inputs: readonly TensorSpec[],
    readonly outputs: readonly TensorSpec[],
  ) {}

  static async create(
    model: string | Uint8Array,
    options: CheckedSessionOptions = {},
  ): Promise<CheckedSession> {
    const label = options.label ?? (typeof model === 'string' ? model : '<in-memory model>');
    const selection = await selectOrtExecutionProvider(options);
    const ort = await loadOrt();
    const sessionOptions: InferenceSession.SessionOptions = {
      ...options.sessionOptions,
      executionProviders: [selection.name],
    };
    const session =
      typeof model === 'string'
        ? await ort.InferenceSession.create(model, sessionOptions)
        : await ort.InferenceSession.create(model, sessionOptions);
    const checked = new CheckedSession(
      session,
      label,
      selection,
      session.inputMetadata.map(toSpec),
      session.outputMetadata.map(toSpec),
    );
    if (options.contract) checked.assertContract(options.contract);
    return checked;
  }

  get executionProvider(): OrtExecutionProviderName {
    return this.selection.name;
  }

  /** Throws `ModelContractError` listing every input/output that is missing or differs. */
  assertContract(contract: ModelContract): void {
    const problems = [
      ...compareSpecs('input', contract.inputs, this.inputs),
      ...compareSpecs('output', contract.outputs, this.outputs),
    ];
    if (problems.length > 0) throw new ModelContractError(this.model, problems);
  }

  /** Every way `feeds` differ from the model's inputs (empty when they fit). */
  validate(feeds: Readonly<Record<string, OrtTensor | HostTensor>>): InputMismatch[] {
    const mismatches: InputMismatch[] = [];
    for (const spec of this.inputs) {
      const feed = feeds[spec.name];
      if (!feed) {
        mismatches.push({
          tensorName: spec.name,
          problem: 'missing',
          expected: describeSpec(spec),
          received: 'nothing',
        });
        continue;
      }
      const dtype = 'type' in feed ? feed.type : feed.dtype;
      if (dtype !== spec.dtype) {
        mismatches.push({ tensorName: spec.name, problem: 'dtype', expected: spec.dtype, received: dtype });
      }
      const dims = feed.dims;
      if (dims.length !== spec.dims.length) {
        mismatches.push({
          tensorName: spec.name,
          problem: 'rank',
          expected: `[${spec.dims.join(', ')}]`,
          received: `[${dims.join(', ')}]`,
        });
        continue;
      }
      spec.dims.forEach((dim, axis) => {
        if (typeof dim === 'number' && dim >= 0 && dims[axis] !== dim) {
          mismatches.push({
            tensorName: spec.name,
            problem: 'dim',
            expected: `dim ${axis} = ${dim} of [${spec.dims.join(', ')}]`,
            received: `${dims[axis]} of [${dims.join(', ')}]`,
          });
        }
      });
    }
    for (const name of Object.keys(feeds)) {
      if (!this.inputs.some((s) => s.name === name)) {
        mismatches.push({
          tensorName: name,
          problem: 'unexpected',
          expected: `one of ${this.inputs.map((s) => s.name).join(', ')}`,
          received: name,
        });
      }
    }
    return mismatches;
  }

  /**
   * Validates, then runs. Host tensors are wrapped without copying and not tracked (they live for this
   * run only). Outputs are tracked by the memory ledger: dispose them when done.
   */
  async run(feeds: Readonly<Record<string, OrtTensor | HostTensor>>): Promise<Record<string, OrtTensor>> {
    const mismatches = this.validate(feeds);
    if (mismatches.length > 0) throw new SessionInputError(this.model, mismatches);
    const ortFeeds: Record<string, OrtTensor> = {};
    for (const [name, feed] of Object.entries(feeds))
      ortFeeds[name] = 'type' in feed ? feed : wrapHostUntracked(feed, name);
    const outputs = await this.session.run(ortFeeds);
    for (const t of Object.values(outputs)) trackOrtTensor(t);
    return outputs;
  }

  release(): Promise<void> {
    return this.session.release();
  }
}

function toSpec(meta: InferenceSession.ValueMetadata): TensorSpec {
  if (!meta.isTensor) return { name: meta.name, dtype: 'non-tensor', dims: [] };
  return {
    name: meta.name,
    dtype: meta.type,
    dims: meta.shape.map((d) => (typeof d === 'number' ? d : String(d))),
  };
}

function describeSpec(spec: TensorSpec): string {
  return `${spec.dtype}[${spec.dims.join(', ')}]`;
}

function compareSpecs(kind: string, wanted: readonly TensorSpec[], actual: readonly TensorSpec[]): string[] {
  const problems: string[] = [];
  for (const want of wanted) {
    const got = actual.find((a) => a.name === want.name);
    if (!got) {
      problems.push(
        `${kind} "${want.name}" is missing (model has: ${actual.map((a) => a.name).join(', ') || 'none'})`,
      );
      continue;
    }
    const sameDims =
      got.dims.length === want.dims.length &&
      want.dims.every(
        (d, i) => typeof d === 'string' || got.dims[i] === d || typeof got.dims[i] === 'string',
      );
    if (got.dtype !== want.dtype || !sameDims) {
      problems.push(
        `${kind} "${want.name}": expected ${describeSpec(want)}, model declares ${describeSpec(got)}`,
      );
    }
  }
  return problems;
}
