import { promises as fs } from 'node:fs';
import {
  CorruptVideoError,
  EmptyVideoError,
  FfmpegProcessError,
  InvalidFrameSizeError,
  MAX_FRAME_SIDE,
  NotAVideoError,
  NoVideoStreamError,
  VideoFileNotFoundError,
} from '../errors/index.js';
import { parseRational, type Rational, rational, rationalToNumber } from '../rational.js';
import type { VideoInfo } from '../video-source.js';
import { runProcess, tail } from './run-process.js';

interface ProbeStream {
  index: number;
  codec_type?: string;
  codec_name?: string;
  width?: number;
  height?: number;
  pix_fmt?: string;
  color_space?: string;
  color_range?: string;
  r_frame_rate?: string;
  avg_frame_rate?: string;
  time_base?: string;
  nb_frames?: string;
  disposition?: { attached_pic?: number };
  tags?: Record<string, string>;
  side_data_list?: { rotation?: number }[];
}

interface ProbeJson {
  streams?: ProbeStream[];
  format?: { format_name?: string; duration?: string };
}

/** Frames per second implied by evenly spaced pts: how far gaps may wander before we call it VFR. */
function detectVariableFrameRate(pts: Float64Array): boolean {
  if (pts.length < 3) return false;
  const mean = (pts[pts.length - 1]! - pts[0]!) / (pts.length - 1);
  // Containers with a coarse time base (1/1000 in MKV) store 29.97 fps as gaps of 33 and 34 ticks.
  const tolerance = Math.max(1, 0.01 * mean);
  for (let i = 1; i < pts.length; i++) {
    if (Math.abs(pts[i]! - pts[i - 1]! - mean) > tolerance) return true;
  }
  return false;
}

async function ffprobeJson(ffprobe: string, path: string): Promise<ProbeJson> {
  const result = await runProcess(ffprobe, [
    '-v',
    'error',
    '-show_streams',
    '-show_format',
    '-of',
    'json',
    path,
  ]);
  if (result.exitCode !== 0)
    throw new NotAVideoError(path, tail(result.stderr, 3) || `ffprobe exit ${result.exitCode}`);
  try {
    return JSON.parse(result.stdout.toString('utf8')) as ProbeJson;
  } catch (error) {
    throw new FfmpegProcessError(
      path,
      'ffprobe -show_streams',
      result.exitCode,
      `unparsable JSON: ${String(error)}`,
    );
  }
}

interface PacketTiming {
  readonly pts: Float64Array;
  /** End of the last frame in ticks (max of pts + duration). */
  readonly endTicks: number;
  readonly stderr: string;
}

/** Every frame's pts from the stream's packets (demux only, no decoding); frames when packets lack pts. */
async function readFrameTimes(ffprobe: string, path: string, streamIndex: number): Promise<PacketTiming> {
  const run = async (section: 'packet' | 'frame') => {
    // JSON, not CSV: side-data entries would add rows to a CSV listing.
    const entries = section === 'packet' ? 'packet=pts,duration' : 'frame=best_effort_timestamp,pkt_duration';
    const result = await runProcess(ffprobe, [
      '-v',
      'error',
      '-select_streams',
      String(streamIndex),
      '-show_entries',
      entries,
      '-of',
      'json',
      path,
    ]);
    let parsed: { packets?: Record<string, unknown>[]; frames?: Record<string, unknown>[] } = {};
    try {
      parsed = JSON.parse(result.stdout.toString('utf8') || '{}');
    } catch {
      // an unreadable listing counts as no frames; the stderr tail explains
    }
    const items = (section === 'packet' ? parsed.packets : parsed.frames) ?? [];
    const rows = items.map((item) =>
      section === 'packet'
        ? { pts: item.pts, duration: item.duration }
        : { pts: item.best_effort_timestamp, duration: item.pkt_duration },
    );
    return { rows, stderr: result.stderr };
  };
  let { rows, stderr } = await run('packet');
  // Packets without pts (raw elementary streams, some AVI): decode and use the frames' timestamps.
  if (rows.some((r) => typeof r.pts !== 'number')) ({ rows, stderr } = await run('frame'));
  const valid = rows.filter((r): r is { pts: number; duration: unknown } => typeof r.pts === 'number');
  const pts = Float64Array.from(valid.map((r) => r.pts));
  pts.sort();
  const gaps: number[] = [];
  for (let i = 1; i < pts.length && gaps.length < 64; i++) gaps.push(pts[i]! - pts[i - 1]!);
  const typicalGap = gaps.length ? gaps.sort((a, b) => a - b)[gaps.length >> 1]! : 0;
  let endTicks = pts.length ? pts[pts.length - 1]! + typicalGap : 0;
  for (const r of valid) {
    const duration = Number(r.duration);
    if (Number.isFinite(duration) && duration > 0) endTicks = Math.max(endTicks, r.pts + duration);
  }
  return { pts, endTicks, stderr };
}

/** Probes one file with ffprobe; see VideoSource.probe. */
export async function probeWithFfprobe(ffprobe: string, path: string): Promise<VideoInfo> {
  try {
    if (!(await fs.stat(path)).isFile()) throw new VideoFileNotFoundError(path);
  } catch (error) {
    if (VideoFileNotFoundError.isInstance(error)) throw error;
    throw new VideoFileNotFoundError(path);
  }
  const json = await ffprobeJson(ffprobe, path);
  const streams = json.streams ?? [];
  const stream = streams.find((s) => s.codec_type === 'video' && s.disposition?.attached_pic !== 1);
  if (!stream)
    throw new NoVideoStreamError(
      path,
      streams.map((s) => s.codec_type ?? 'unknown'),
    );

  const width = stream.width ?? 0;
  const height = stream.height ?? 0;
  if (!(width >= 1 && height >= 1 && width <= MAX_FRAME_SIDE && height <= MAX_FRAME_SIDE)) {
    throw new InvalidFrameSizeError(path, `${width}x${height}`);
  }
  const timeBase = parseRational(stream.time_base);
  if (!timeBase || timeBase.numerator <= 0)
    throw new EmptyVideoError(path, `time base "${stream.time_base}" is unusable`);

  const timing = await readFrameTimes(ffprobe, path, stream.index);
  if (timing.pts.length === 0) {
    throw new EmptyVideoError(path, `video stream ${stream.index} has zero frames`);
  }
  const declaredFrames = Number(stream.nb_frames);
  if (Number.isInteger(declaredFrames) && declaredFrames > timing.pts.length) {
    // The header promises frames whose data is missing: the file was cut short.
    throw new CorruptVideoError(
      path,
      timing.pts.length,
      `${declaredFrames} frames (from the stream header)`,
      `${timing.pts.length} readable frames${timing.stderr ? ` (${tail(timing.stderr, 1)})` : ''}`,
    );
  }
  const firstPts = timing.pts[0]!;
  const duration = rational((timing.endTicks - firstPts) * timeBase.numerator, timeBase.denominator);
  const frameRate: Rational =
    [parseRational(stream.avg_frame_rate), parseRational(stream.r_frame_rate)].find(
      (r): r is Rational => r !== undefined && r.numerator > 0,
    ) ?? rational(Math.round((timing.pts.length * duration.denominator) / duration.numerator), 1);
  const rotation = stream.side_data_list?.find((d) => typeof d.rotation === 'number')?.rotation;
  const containerDuration = Number(json.format?.duration);
  return {
    path,
    formatName: json.format?.format_name ?? 'unknown',
    containerDurationSeconds: Number.isFinite(containerDuration) ? containerDuration : undefined,
    streamIndex: stream.index,
    codecName: stream.codec_name ?? 'unknown',
    width,
    height,
    rotationDegrees: rotation ?? (Number(stream.tags?.rotate) || 0),
    pixelFormat: stream.pix_fmt ?? 'unknown',
    colorMatrix: stream.color_space ?? 'unknown',
    colorRange: stream.color_range ?? 'unknown',
    timeBase,
    frameRate,
    isVariableFrameRate: detectVariableFrameRate(timing.pts),
    frameCount: timing.pts.length,
    framePts: timing.pts,
    duration,
    durationSeconds: rationalToNumber(duration),
  };
}
