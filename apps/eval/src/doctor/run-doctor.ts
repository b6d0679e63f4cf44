import {
  type BackendReport,
  describeBackends,
  type MatmulThroughput,
  measureOrtMatmul,
  measureTfjsMatmul,
  type OrtExecutionProviderName,
  type TfjsBackendName,
} from '@videoloom/backend';

export interface DoctorOptions {
  /** Device to resolve besides listing every candidate. @defaultValue VIDEOLOOM_DEVICE, else auto */
  readonly device?: string;
  /** Matmul size for the throughput figure. @defaultValue 1024 */
  readonly matmulSize?: number;
  /** Skip the throughput measurement (listing only). */
  readonly skipThroughput?: boolean;
  /** Progress lines (one per measurement). */
  readonly onProgress?: (message: string) => void;
}

export interface DoctorCandidate {
  readonly runtime: 'tfjs' | 'ort';
  readonly name: string;
  readonly accelerator: 'cpu' | 'gpu';
  readonly available: boolean;
  readonly reason?: string;
  readonly fix?: string;
  /** 1024x1024 fp32 matmul throughput; null when unavailable or skipped. */
  readonly matmulGflops: number | null;
}

export interface DoctorReport {
  readonly node: string;
  readonly platform: string;
  readonly matmulSize: number;
  readonly candidates: readonly DoctorCandidate[];
  readonly chosen: BackendReport['chosen'];
  /** Per runtime, the available candidate with the highest measured throughput. */
  readonly fastestMeasured: Readonly<Record<'tfjs' | 'ort', string | null>>;
}

/** Lists every backend/EP with availability and reason, the device's choice, and measured matmul throughput. */
export async function runDoctor(options: DoctorOptions = {}): Promise<DoctorReport> {
  const size = options.matmulSize ?? 1024;
  const report = await describeBackends(options.device === undefined ? {} : { device: options.device });
  const candidates: DoctorCandidate[] = [];
  for (const c of report.candidates) {
    let measured: MatmulThroughput | null = null;
    if (c.available && !options.skipThroughput) {
      options.onProgress?.(`measuring ${c.runtime}/${c.name}: ${size}x${size} fp32 matmul`);
      measured =
        c.runtime === 'tfjs'
          ? await measureTfjsMatmul(c.name as TfjsBackendName, size)
          : await measureOrtMatmul(c.name as OrtExecutionProviderName, size);
    }
    candidates.push({
      runtime: c.runtime,
      name: c.name,
      accelerator: c.accelerator,
      available: c.available,
      ...(c.reason ? { reason: c.reason } : {}),
      ...(c.fix ? { fix: c.fix } : {}),
      matmulGflops: measured ? measured.gflops : null,
    });
  }
  const fastest = (runtime: 'tfjs' | 'ort') =>
    candidates
      .filter((c) => c.runtime === runtime && c.matmulGflops !== null)
      .sort((a, b) => b.matmulGflops! - a.matmulGflops!)[0]?.name ?? null;
  return {
    node: process.version,
    platform: `${process.platform}-${process.arch}`,
    matmulSize: size,
    candidates,
    chosen: report.chosen,
    fastestMeasured: { tfjs: fastest('tfjs'), ort: fastest('ort') },
  };
}

/** The doctor's table as text. */
export function formatDoctorReport(report: DoctorReport): string {
  const lines = [`VideoLoom doctor — Node ${report.node} on ${report.platform}`, ''];
  const header = ['runtime', 'backend', 'device', 'status', `GFLOP/s (${report.matmulSize}² fp32 matmul)`];
  const rows = report.candidates.map((c) => [
    c.runtime,
    c.name,
    c.accelerator,
    c.available ? 'available' : 'unavailable',
    c.matmulGflops === null ? '-' : c.matmulGflops.toFixed(1),
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const fmt = (r: string[]) =>
    r
      .map((cell, i) => cell.padEnd(widths[i]!))
      .join('  ')
      .trimEnd();
  lines.push(fmt(header), fmt(widths.map((w) => '-'.repeat(w))), ...rows.map(fmt), '');
  for (const c of report.candidates.filter((c) => !c.available)) {
    lines.push(`${c.runtime}/${c.name} unavailable: ${c.reason}`);
    if (c.fix) lines.push(`  fix: ${c.fix}`);
  }
  lines.push('');
  for (const runtime of ['tfjs', 'ort'] as const) {
    const chosen = report.chosen[runtime];
    const fastest = report.fastestMeasured[runtime];
    const note = fastest && chosen.name && fastest !== chosen.name ? ` (fastest measured: ${fastest})` : '';
    lines.push(`${runtime} device "${chosen.device}" -> ${chosen.name ?? `none: ${chosen.error}`}${note}`);
  }
  return lines.join('\n');
}
