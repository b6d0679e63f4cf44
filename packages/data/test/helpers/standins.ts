/**
 * TEST STAND-INS for parts other packages own, used until they are wired in:
 * - `markOverlays`: a crude NumPro/Set-of-Marks marker (a red bar lower-left whose length is the frame id,
 *   a white square at the mask centroid), standing in for @videoloom/video-io's drawing;
 * - `pngImage`: a real PNG encoder (pngjs);
 * - `ffmpegOpenFrames`: the ffmpeg decoding stand-in at a maximum width.
 */
import { PNG } from 'pngjs';
import type { OpenFrames } from '../../src/frames/frame-source.js';
import type { RgbImage } from '../../src/pipeline/loomdata-stages.js';
import { ffmpegFrames, probeSize } from './ffmpeg-frames.js';

export function markOverlays(
  frame: RgbImage,
  overlay: { frameId: number; instanceId: number; instanceMask: Uint8Array | null },
): RgbImage {
  const rgb = new Uint8Array(frame.rgb);
  const paint = (x: number, y: number, c: readonly number[]) => {
    if (x < 0 || y < 0 || x >= frame.width || y >= frame.height) return;
    const i = (y * frame.width + x) * 3;
    rgb[i] = c[0]!;
    rgb[i + 1] = c[1]!;
    rgb[i + 2] = c[2]!;
  };
  for (let x = 0; x < Math.min(frame.width, 2 + overlay.frameId * 2); x++)
    for (let y = frame.height - 6; y < frame.height - 2; y++) paint(x, y, [255, 0, 0]);
  if (overlay.instanceMask) {
    let sx = 0;
    let sy = 0;
    let n = 0;
    overlay.instanceMask.forEach((m, p) => {
      if (!m) return;
      sx += p % frame.width;
      sy += Math.floor(p / frame.width);
      n++;
    });
    if (n)
      for (let dy = -2; dy <= 2; dy++)
        for (let dx = -2; dx <= 2; dx++)
          paint(Math.round(sx / n) + dx, Math.round(sy / n) + dy, [255, 255, 255]);
  }
  return { width: frame.width, height: frame.height, rgb };
}

export function pngImage(image: RgbImage): { mimeType: 'image/png'; bytes: Uint8Array } {
  const png = new PNG({ width: image.width, height: image.height });
  for (let p = 0; p < image.width * image.height; p++) {
    png.data[p * 4] = image.rgb[p * 3]!;
    png.data[p * 4 + 1] = image.rgb[p * 3 + 1]!;
    png.data[p * 4 + 2] = image.rgb[p * 3 + 2]!;
    png.data[p * 4 + 3] = 255;
  }
  return { mimeType: 'image/png', bytes: PNG.sync.write(png) };
}

/** Decoder stand-in; counts how many decoding passes were opened (for resume tests). */
export function ffmpegOpenFrames(counter?: { opened: number }): OpenFrames {
  return (videoPath, options) => {
    if (counter) counter.opened++;
    const size = probeSize(videoPath);
    if (!options?.maxWidth || size.width <= options.maxWidth) return ffmpegFrames(videoPath, size);
    const width = options.maxWidth;
    const height = Math.round((size.height * width) / size.width / 2) * 2;
    return ffmpegFrames(videoPath, { width, height });
  };
}
