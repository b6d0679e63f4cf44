import { BackendError, markerCheck } from './videoloom-error.js';

const marker = Symbol.for('videoloom.error.SessionInputError');

/** One problem found when comparing the feeds with the model's input metadata. */
export interface InputMismatch {
  /** The input (or feed) name. */
  readonly tensorName: string;
  readonly problem: 'missing' | 'unexpected' | 'dtype' | 'rank' | 'dim';
  readonly expected: string;
  readonly received: string;
}

/** The feeds do not match the ONNX model's declared inputs; raised before ONNX Runtime runs anything. */
export class SessionInputError extends BackendError {
  readonly [marker] = true;
  readonly name = 'VL_SessionInputError' as const;
  static readonly isInstance = markerCheck<SessionInputError>(marker);

  constructor(
    /** The model file (or a label for an in-memory model). */
    readonly model: string,
    readonly mismatches: readonly InputMismatch[],
  ) {
    const lines = mismatches.map(
      (m) => `  - ${m.tensorName}: ${m.problem}: expected ${m.expected}, received ${m.received}`,
    );
    super(`Inputs do not match model ${model}:\n${lines.join('\n')}`);
  }
}
