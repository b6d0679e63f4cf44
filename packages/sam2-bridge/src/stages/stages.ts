import path from 'node:path';
import { CheckedSession, type HostTensor, ModelContractError, OrtTensor } from '@videoloom/backend';
import { Sam2ManifestError } from '../errors/manifest-error.js';
import { Sam2StageContractError } from '../errors/stage-contract-error.js';
import { SAM2_STAGES, type Sam2StageName, sam2StageContracts } from './contract.js';
import { readManifest, SAM2_MANIFEST_FILE, type Sam2Manifest } from './manifest.js';

/** Where the graphs run. */
export interface Sam2LoadOptions {
  /** Device name as `@videoloom/backend` understands it (`auto` tries CUDA, then CPU). @defaultValue auto */
  readonly device?: string;
  /** Environment to read `VIDEOLOOM_DEVICE` from. @defaultValue process.env */
  readonly env?: Readonly<Record<string, string | undefined>>;
  /** ONNX Runtime intra-op threads. @defaultValue ORT's default */
  readonly threads?: number;
}

/** Time spent in one stage, for benchmarks and logs. */
export interface StageTiming {
  calls: number;
  totalMs: number;
  /** Highest process RSS seen right after a call of this stage (process-wide, so an upper bound). */
  peakRssBytes: number;
}

/**
 * The four SAM2 graphs as checked sessions: each graph's inputs/outputs are compared with the §5
 * contract when it loads (`Sam2StageContractError` names the stage and every mismatch), and every
 * run's feeds are validated by `CheckedSession`.
 */
export class Sam2Stages {
  readonly timings: Record<Sam2StageName, StageTiming> = {
    image_encoder: { calls: 0, totalMs: 0, peakRssBytes: 0 },
    mask_decoder: { calls: 0, totalMs: 0, peakRssBytes: 0 },
    memory_encoder: { calls: 0, totalMs: 0, peakRssBytes: 0 },
    memory_attention: { calls: 0, totalMs: 0, peakRssBytes: 0 },
  };

  private constructor(
    readonly manifest: Sam2Manifest,
    private readonly sessions: Record<Sam2StageName, CheckedSession>,
  ) {}

  /** Loads `<dir>/sam2-manifest.json` and the four graphs it names. */
  static async load(dir: string, options: Sam2LoadOptions = {}): Promise<Sam2Stages> {
    const manifest = await readManifest(path.join(dir, SAM2_MANIFEST_FILE));
    const graphs = Object.fromEntries(
      SAM2_STAGES.map((s) => [s, path.join(dir, manifest.graphs[s])]),
    ) as Record<Sam2StageName, string>;
    return Sam2Stages.fromGraphs(manifest, graphs, options);
  }

  /** Loads the four graphs from paths or bytes (tests build graphs in memory). */
  static async fromGraphs(
    manifest: Sam2Manifest,
    graphs: Readonly<Record<Sam2StageName, string | Uint8Array>>,
    options: Sam2LoadOptions = {},
  ): Promise<Sam2Stages> {
    const contracts = sam2StageContracts(manifest.dims);
    const sessions = {} as Record<Sam2StageName, CheckedSession>;
    try {
      for (const stage of SAM2_STAGES) {
        const graph = graphs[stage];
        const label = typeof graph === 'string' ? graph : `<in-memory ${stage}>`;
        try {
          sessions[stage] = await CheckedSession.create(graph, {
            label,
            contract: contracts[stage],
            ...(options.device ? { device: options.device } : {}),
            ...(options.env ? { env: options.env } : {}),
            ...(options.threads ? { sessionOptions: { intraOpNumThreads: options.threads } } : {}),
          });
        } catch (error) {
          if (ModelContractError.isInstance(error)) {
            throw new Sam2StageContractError(stage, label, error.problems, { cause: error });
          }
          if (
            error instanceof Error &&
            /no such file|ENOENT|Load model from .* failed/i.test(error.message)
          ) {
            throw new Sam2ManifestError(
              label,
              `graphs.${stage}`,
              'an existing ONNX file',
              'a path that cannot be loaded',
              {
                cause: error,
              },
            );
          }
          throw error;
        }
      }
    } catch (error) {
      await Promise.all(Object.values(sessions).map((s) => s.release()));
      throw error;
    }
    return new Sam2Stages(manifest, sessions);
  }

  /** The execution provider each stage runs on (`cpu`, `cuda`). */
  get executionProviders(): Record<Sam2StageName, string> {
    return Object.fromEntries(SAM2_STAGES.map((s) => [s, this.sessions[s].executionProvider])) as Record<
      Sam2StageName,
      string
    >;
  }

  /**
   * Runs one stage and returns its outputs copied into plain arrays (the ORT tensors are released
   * at once, so nothing outlives the call but what the caller keeps).
   */
  async run(stage: Sam2StageName, feeds: Record<string, HostTensor>): Promise<Record<string, Float32Array>> {
    const start = performance.now();
    // Wrap feeds here, untracked: CheckedSession.run would wrap host tensors into ledger-tracked ORT
    // tensors that it never releases, which keeps every frame's inputs alive (a leak on long videos).
    const ortFeeds: Record<string, OrtTensor> = {};
    for (const [name, feed] of Object.entries(feeds))
      ortFeeds[name] = new OrtTensor(feed.dtype, feed.data as never, [...feed.dims]);
    const outputs = await this.sessions[stage].run(ortFeeds);
    for (const feed of Object.values(ortFeeds)) feed.dispose();
    const copied: Record<string, Float32Array> = {};
    for (const [name, tensor] of Object.entries(outputs) as [string, OrtTensor][]) {
      copied[name] = (tensor.data as Float32Array).slice();
      tensor.dispose();
    }
    const timing = this.timings[stage];
    timing.calls += 1;
    timing.totalMs += performance.now() - start;
    timing.peakRssBytes = Math.max(timing.peakRssBytes, process.memoryUsage.rss());
    return copied;
  }

  async release(): Promise<void> {
    await Promise.all(SAM2_STAGES.map((s) => this.sessions[s].release()));
  }
}
