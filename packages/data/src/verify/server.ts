import fs from 'node:fs/promises';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import type { MaskCodec } from '../character/contracts.js';
import type { OpenFrames } from '../frames/frame-source.js';
import { readJsonIfExists, writeJsonAtomic } from '../pipeline/atomic.js';
import type { RgbImage } from '../pipeline/loomdata-stages.js';
import type {
  CharacterFile,
  Round1Decision,
  Round2Decision,
  ShotTracklet,
  VerificationDecisions,
} from '../pipeline/loomdata-types.js';
import { VERIFICATION_PAGE_HTML } from './page.js';

/** Options of {@link startVerificationServer}. */
export interface VerificationServerOptions {
  /** The pipeline's output folder (with `videos/<id>/character.json`). */
  readonly outDir: string;
  readonly openFrames: OpenFrames;
  readonly maskCodec: MaskCodec;
  /** PNG encoder for the frames shown. */
  readonly encodePng: (image: RgbImage) => Uint8Array;
  /** Frame width used by the character stage (masks are at that size). @defaultValue 640 */
  readonly workWidth?: number;
  /** @defaultValue '127.0.0.1' */
  readonly host?: string;
  /** @defaultValue 0 (any free port) */
  readonly port?: number;
}

/** The running page. */
export interface VerificationServer {
  readonly url: string;
  close(): Promise<void>;
}

const ROUND1: readonly Round1Decision[] = ['missing', 'ok'];
const ROUND2: readonly Round2Decision[] = ['incorrect', 'redundant', 'correct'];

/** Tints the mask's pixels green (55%) so the annotator sees what is labelled. */
function tint(frame: RgbImage, mask: Uint8Array | null): RgbImage {
  if (!mask || mask.length !== frame.width * frame.height) return frame;
  const rgb = new Uint8Array(frame.rgb);
  for (let p = 0; p < mask.length; p++) {
    if (!mask[p]) continue;
    rgb[p * 3] = Math.round(rgb[p * 3]! * 0.45);
    rgb[p * 3 + 1] = Math.round(rgb[p * 3 + 1]! * 0.45 + 255 * 0.55);
    rgb[p * 3 + 2] = Math.round(rgb[p * 3 + 2]! * 0.45);
  }
  return { width: frame.width, height: frame.height, rgb };
}

/**
 * Serves the verification page for every video of `outDir` whose character stage finished, and saves
 * each decision to `videos/<id>/verification.json` atomically as it is made. The pipeline's `verify`
 * stage applies the decisions on its next run (with `manualVerification: true`).
 */
export async function startVerificationServer(
  options: VerificationServerOptions,
): Promise<VerificationServer> {
  const videosDir = path.join(options.outDir, 'videos');
  const framePngs = new Map<string, Promise<Map<number, Uint8Array>>>();
  const character = (id: string) =>
    readJsonIfExists<CharacterFile>(path.join(videosDir, id, 'character.json'));
  const decisionsOf = async (id: string): Promise<VerificationDecisions> =>
    (await readJsonIfExists<VerificationDecisions>(path.join(videosDir, id, 'verification.json'))) ?? {
      round1: {},
      round2: {},
    };
  // Writes per video are chained so two quick clicks never lose one.
  const writes = new Map<string, Promise<unknown>>();

  /** Decodes, once per video, the key frame and every shot's middle frame, tinted with their masks. */
  const framesOf = (id: string, ch: CharacterFile, videoPath: string) => {
    let p = framePngs.get(id);
    if (!p) {
      p = (async () => {
        const wanted = new Set([ch.keyFrameIndex, ...ch.shots.map((s) => s.middleFrameIndex)]);
        const out = new Map<number, Uint8Array>();
        for await (const f of options.openFrames(videoPath, { maxWidth: options.workWidth ?? 640 })) {
          if (!wanted.has(f.frameIndex)) continue;
          const rle = ch.masks[f.frameIndex];
          out.set(f.frameIndex, options.encodePng(tint(f, rle ? options.maskCodec.decode(rle) : null)));
          if (out.size === wanted.size) break;
        }
        return out;
      })();
      framePngs.set(id, p);
    }
    return p;
  };

  const listVideos = async () => {
    const ids = (await fs.readdir(videosDir).catch(() => [] as string[])).sort();
    const out = [];
    for (const id of ids) {
      const ch = await character(id);
      if (!ch || ch.discarded || !ch.shots) continue;
      const decisions = await decisionsOf(id);
      const brief = (s: ShotTracklet) => ({ shotIndex: s.shotIndex, middleFrameIndex: s.middleFrameIndex });
      const round1 = ch.shots.filter((s) => !s.hasTracklet).map(brief);
      const round2 = ch.shots.filter((s) => s.hasTracklet).map(brief);
      const discarded =
        Object.values(decisions.round1).includes('missing') ||
        Object.values(decisions.round2).includes('incorrect');
      out.push({ videoId: id, keyFrameIndex: ch.keyFrameIndex, round1, round2, decisions, discarded });
    }
    return out;
  };

  const server = http.createServer(async (req, res) => {
    const send = (status: number, type: string, body: string | Uint8Array) => {
      res.writeHead(status, { 'content-type': type, 'cache-control': 'no-store' }).end(body);
    };
    try {
      const url = new URL(req.url ?? '/', 'http://localhost');
      const parts = url.pathname.split('/').filter(Boolean).map(decodeURIComponent);
      if (req.method === 'GET' && parts.length === 0)
        return send(200, 'text/html; charset=utf-8', VERIFICATION_PAGE_HTML);
      if (req.method === 'GET' && parts.join('/') === 'api/videos')
        return send(200, 'application/json', JSON.stringify(await listVideos()));
      if (parts[0] === 'api' && parts[1] === 'videos' && parts[2] && !parts[2].includes('..')) {
        const id = parts[2];
        const ch = await character(id);
        if (!ch || !ch.shots) return send(404, 'text/plain', `no character.json for video ${id}`);
        if (req.method === 'GET' && parts[3] === 'frames' && parts[4]) {
          const frameIndex = Number.parseInt(parts[4], 10);
          const png = (await framesOf(id, ch, ch.videoPath)).get(frameIndex);
          return png
            ? send(200, 'image/png', png)
            : send(404, 'text/plain', `frame ${frameIndex} is not shown for ${id}`);
        }
        if (req.method === 'POST' && parts[3] === 'decisions') {
          const chunks: Buffer[] = [];
          for await (const c of req) chunks.push(c as Buffer);
          const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as {
            round: 1 | 2;
            shotIndex: number;
            decision: string;
          };
          const shot = ch.shots.find((s) => s.shotIndex === body.shotIndex);
          const valid =
            shot &&
            ((body.round === 1 &&
              !shot.hasTracklet &&
              (ROUND1 as readonly string[]).includes(body.decision)) ||
              (body.round === 2 &&
                shot.hasTracklet &&
                (ROUND2 as readonly string[]).includes(body.decision)));
          if (!valid)
            return send(
              400,
              'text/plain',
              `shot ${body.shotIndex} of ${id} takes no round-${body.round} decision "${body.decision}"`,
            );
          const write = (writes.get(id) ?? Promise.resolve()).then(async () => {
            const d = await decisionsOf(id);
            const key = body.round === 1 ? 'round1' : 'round2';
            const updated = { ...d, [key]: { ...d[key], [body.shotIndex]: body.decision } };
            await writeJsonAtomic(path.join(videosDir, id, 'verification.json'), updated);
            return updated;
          });
          writes.set(
            id,
            write.catch(() => undefined),
          );
          return send(200, 'application/json', JSON.stringify(await write));
        }
      }
      send(404, 'text/plain', 'not found');
    } catch (error) {
      send(500, 'text/plain', (error as Error).message);
    }
  });
  await new Promise<void>((resolve) =>
    server.listen(options.port ?? 0, options.host ?? '127.0.0.1', resolve),
  );
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://${options.host ?? '127.0.0.1'}:${port}/`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
