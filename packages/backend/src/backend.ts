/**
 * The backend contract: one shape for TensorFlow.js backends and ONNX Runtime execution providers.
 * Registering a candidate costs nothing; `probe()` runs on first use only and its verdict is kept.
 */

/** The two runtimes VideoLoom computes with: TensorFlow.js (training, small models) and ONNX Runtime (inference graphs). */
export type Runtime = 'tfjs' | 'ort';

/** Names of the TensorFlow.js backends we know, fastest first. */
export type TfjsBackendName = 'tfjs-node-gpu' | 'tfjs-node' | 'wasm' | 'cpu';

/** Names of the ONNX Runtime execution providers we know, fastest first. */
export type OrtExecutionProviderName = 'cuda' | 'cpu';

/** What a probe found. A candidate with `available: false` is never probed again in this process. */
export type ProbeResult =
  | { readonly available: true; readonly detail?: string }
  | { readonly available: false; readonly reason: string; readonly fix?: string };

/** One candidate backend of one runtime. */
export interface BackendCandidate<Name extends string = string> {
  readonly runtime: Runtime;
  readonly name: Name;
  /** Higher is tried first under `auto`. */
  readonly priority: number;
  /** Whether the candidate runs on a GPU (shown by the doctor; `gpu`/`cuda` devices accept only these). */
  readonly accelerator: 'cpu' | 'gpu';
  /** Checks (once) that the candidate can run here: imports optional modules, initialises the runtime. */
  probe(): Promise<ProbeResult>;
}

/** One line of a resolution's record: a candidate and why it was or was not chosen. */
export interface BackendAttempt {
  readonly name: string;
  readonly available: boolean;
  /** Why it was refused (absent for the chosen one). */
  readonly reason?: string;
  /** What a user can do to make it available. */
  readonly fix?: string;
}

/** The outcome of resolving a device for one runtime. */
export interface BackendSelection<Name extends string = string> {
  readonly runtime: Runtime;
  /** The device that was resolved (after env overrides). */
  readonly device: string;
  /** The chosen candidate. */
  readonly name: Name;
  /** Every candidate tried before and including the chosen one, in order. */
  readonly attempts: readonly BackendAttempt[];
}
