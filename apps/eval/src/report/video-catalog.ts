import { statSync } from 'node:fs';
import { resolve } from 'node:path';
import { InvalidMetricInputError, type LoomBenchItem } from '@videoloom/metrics';
import { FfmpegVideoSource, type VideoInfo, type VideoSource } from '@videoloom/video-io';
import { ReportInputError } from './report-input-error.js';

/**
 * The videos of one LoomBench split: resolves an item's `video` field against a folder and probes each
 * file once (duration, frame times), through `@videoloom/video-io`.
 */
export class VideoCatalog {
  private readonly probes = new Map<string, Promise<VideoInfo>>();

  /**
   * @param folder what `video` fields are relative to (for a LoomBench-Synth split: the split folder)
   * @param argument the option that named the folder, for error messages (e.g. `--videos`)
   * @throws ReportInputError when the folder does not exist
   */
  constructor(
    readonly folder: string,
    readonly argument = '--videos',
    readonly source: VideoSource = new FfmpegVideoSource(),
  ) {
    let isFolder = false;
    try {
      isFolder = statSync(folder).isDirectory();
    } catch {
      isFolder = false;
    }
    if (!isFolder)
      throw new ReportInputError(
        argument,
        undefined,
        'not a folder',
        'the folder the items\' "video" paths are relative to',
        folder,
      );
  }

  /** Absolute path of an item's video; the error names the item and the GT file when it has none. */
  pathOf(item: LoomBenchItem, gtPath: string): string {
    if (typeof item.video !== 'string' || item.video.length === 0)
      throw new InvalidMetricInputError(
        gtPath,
        item.id,
        'no "video" field',
        `a video path relative to ${this.argument}`,
        JSON.stringify(item.video),
      );
    return resolve(this.folder, item.video);
  }

  /** Probes a video (once per file). Missing or unreadable files are video-io's typed errors. */
  info(path: string): Promise<VideoInfo> {
    let p = this.probes.get(path);
    if (!p) {
      p = this.source.probe(path);
      this.probes.set(path, p);
    }
    return p;
  }

  /** Durations of the items' videos, keyed by item id, probing at most `concurrency` files at a time. */
  async durations(
    items: readonly LoomBenchItem[],
    gtPath: string,
    concurrency = 2,
  ): Promise<Map<string, number>> {
    const paths = items.map((it) => this.pathOf(it, gtPath));
    const unique = [...new Set(paths)];
    let next = 0;
    const worker = async () => {
      while (next < unique.length) await this.info(unique[next++] as string);
    };
    await Promise.all(Array.from({ length: Math.max(1, concurrency) }, worker));
    const out = new Map<string, number>();
    for (const [k, it] of items.entries())
      out.set(it.id, (await this.info(paths[k] as string)).durationSeconds);
    return out;
  }
}
