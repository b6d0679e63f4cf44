import { createWriteStream, promises as fs } from 'node:fs';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import {
  CorruptVideoError,
  EmptyVideoError,
  FfmpegProcessError,
  InvalidFrameSizeError,
  isVideoLoomError,
  NotAVideoError,
  NoVideoStreamError,
  rationalToNumber,
  type VideoInfo,
  type VideoSource,
} from '@videoloom/video-io';
import type { FastifyRequest } from 'fastify';
import { ServeRequestError } from '../errors/index.js';
import type { StoredVideo, VideoStore } from './video-store.js';

/** The multipart field that carries the video. */
export const UPLOAD_FIELD = 'file';

export interface UploadLimits {
  readonly maxUploadBytes: number;
  readonly maxDurationSeconds: number;
}

/** Extensions kept from the client's file name (they decide the Content-Type the file is served with). */
const KNOWN_EXTENSIONS = new Set([
  'mp4',
  'm4v',
  'mov',
  'webm',
  'mkv',
  'avi',
  'ogv',
  'mpg',
  'mpeg',
  'ts',
  '3gp',
]);

function mib(bytes: number): string {
  return `${(bytes / (1024 * 1024)).toFixed(bytes < 1024 * 1024 ? 3 : 1)} MiB`;
}

function printableName(name: string | undefined): string {
  const cleaned = (name ?? '').replace(/[^\p{L}\p{N} ._()-]/gu, '_').slice(0, 120);
  return cleaned.length > 0 ? cleaned : 'upload';
}

/** The stored file's extension: the client's when it is a known video one, else from the container. */
function extensionFor(uploadName: string, info: VideoInfo): string {
  const own = path.extname(uploadName).slice(1).toLowerCase();
  if (KNOWN_EXTENSIONS.has(own)) return own;
  const formats = info.formatName.split(',');
  if (formats.includes('mp4') || formats.includes('mov')) return 'mp4';
  if (formats.includes('webm') || formats.includes('matroska'))
    return ['vp8', 'vp9', 'av1'].includes(info.codecName) ? 'webm' : 'mkv';
  if (formats.includes('avi')) return 'avi';
  if (formats.includes('ogg')) return 'ogv';
  if (formats.includes('mpegts')) return 'ts';
  return 'bin';
}

/** A video-io error about the temporary file, re-worded with the client's file name instead of the path. */
function unreadable(error: unknown, tempPath: string, uploadName: string): ServeRequestError | undefined {
  if (!isVideoLoomError(error)) return undefined;
  const message = error.message.split(tempPath).join(JSON.stringify(uploadName));
  if (
    NotAVideoError.isInstance(error) ||
    NoVideoStreamError.isInstance(error) ||
    EmptyVideoError.isInstance(error) ||
    InvalidFrameSizeError.isInstance(error)
  ) {
    return new ServeRequestError(422, 'not_a_video', message, UPLOAD_FIELD, { cause: error });
  }
  if (CorruptVideoError.isInstance(error) || FfmpegProcessError.isInstance(error)) {
    return new ServeRequestError(422, 'video_not_decodable', message, UPLOAD_FIELD, { cause: error });
  }
  return undefined;
}

/** True for @fastify/multipart's "file over fileSize" error. */
function isFileTooLarge(error: unknown): boolean {
  return (error as { code?: string } | null)?.code === 'FST_REQ_FILE_TOO_LARGE';
}

/**
 * Receives `POST /v1/videos`: one multipart file field `file`, streamed to the store's folder with the
 * size limit enforced while it arrives (413), then probed with the video source: not a video (or not
 * decodable: frame 0 must decode) is 422, a stream longer than the limit is 422. Nothing stays on
 * disk after a refusal.
 */
export async function receiveUpload(
  request: FastifyRequest,
  store: VideoStore,
  source: VideoSource,
  limits: UploadLimits,
): Promise<StoredVideo> {
  if (!request.isMultipart()) {
    throw new ServeRequestError(
      415,
      'unsupported_media_type',
      `POST /v1/videos takes multipart/form-data with one file field "${UPLOAD_FIELD}", ` +
        `received Content-Type ${JSON.stringify(request.headers['content-type'] ?? 'none')}.`,
    );
  }
  const tooLarge = () =>
    new ServeRequestError(
      413,
      'file_too_large',
      `The uploaded file is larger than this server accepts (${mib(limits.maxUploadBytes)}, --max-upload-mb). ` +
        'Upload a shorter or more compressed video.',
      UPLOAD_FIELD,
    );
  // Refuse at once when the declared body is far larger than the limit (multipart overhead aside).
  const declared = Number(request.headers['content-length']);
  if (Number.isFinite(declared) && declared > limits.maxUploadBytes + 1024 * 1024) throw tooLarge();

  const { id, dir } = await store.reserve();
  const partial = path.join(dir, 'upload.part');
  let uploadName: string | undefined;
  try {
    let extraFile: string | undefined;
    for await (const part of request.parts({ limits: { fileSize: limits.maxUploadBytes, fields: 16 } })) {
      if (part.type !== 'file') continue;
      if (part.fieldname !== UPLOAD_FIELD || uploadName !== undefined) {
        extraFile ??= part.fieldname;
        part.file.resume();
        continue;
      }
      uploadName = printableName(part.filename);
      try {
        await pipeline(part.file, createWriteStream(partial, { mode: 0o600 }));
      } catch (error) {
        if (isFileTooLarge(error)) throw tooLarge();
        throw error;
      }
      if (part.file.truncated) throw tooLarge();
    }
    if (uploadName === undefined) {
      throw new ServeRequestError(
        400,
        'missing_file',
        `POST /v1/videos found no file field "${UPLOAD_FIELD}" in the form` +
          (extraFile === undefined ? '' : ` (only a file in the field "${extraFile}")`) +
          `; send the video as multipart/form-data with -F "${UPLOAD_FIELD}=@clip.mp4".`,
        UPLOAD_FIELD,
      );
    }
    if (extraFile !== undefined) {
      throw new ServeRequestError(
        400,
        'too_many_files',
        `POST /v1/videos takes exactly one file, in the field "${UPLOAD_FIELD}"; ` +
          `received another file in the field "${extraFile}".`,
        extraFile,
      );
    }

    let info: VideoInfo;
    try {
      info = await source.probe(partial);
      if (info.durationSeconds > limits.maxDurationSeconds) {
        throw new ServeRequestError(
          422,
          'video_too_long',
          `"${uploadName}" is ${info.durationSeconds.toFixed(2)} s long; this server accepts videos up to ` +
            `${limits.maxDurationSeconds} s (--max-duration-s). Trim it first.`,
          UPLOAD_FIELD,
        );
      }
      // The probe reads packets only: decode the first frame (tiny, in the decoder) to prove it decodes.
      for await (const _ of source.decode(info, {
        outputs: [
          { name: 'check', frameIndices: [0], size: { width: 16, height: 16 }, resize: 'swscale-bicubic' },
        ],
      })) {
        // one frame
      }
    } catch (error) {
      throw unreadable(error, partial, uploadName) ?? error;
    }

    const finalPath = path.join(dir, `video.${extensionFor(uploadName, info)}`);
    await fs.rename(partial, finalPath);
    const video: StoredVideo = {
      id,
      dir,
      path: finalPath,
      uploadName,
      metadata: {
        width: info.width,
        height: info.height,
        fps: rationalToNumber(info.frameRate),
        frameCount: info.frameCount,
        durationSeconds: info.durationSeconds,
      },
    };
    store.add(video);
    return video;
  } catch (error) {
    await store.discard(dir);
    if (isFileTooLarge(error)) throw tooLarge();
    throw error;
  }
}
