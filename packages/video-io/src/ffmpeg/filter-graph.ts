import type { FrameSize, ResizeFilter, VideoInfo } from '../video-source.js';

/**
 * A select expression true exactly for the given pts values, as a balanced tree of `if(lt(...))`, so
 * each frame costs log2(n) comparisons even for thousands of selected frames. Selecting by pts (not by
 * the frame counter) means a frame the decoder drops cannot silently shift the selection.
 */
export function selectByPtsExpression(sortedPts: readonly number[]): string {
  const build = (lo: number, hi: number): string => {
    if (hi - lo === 1) return `eq(pts,${sortedPts[lo]})`;
    const mid = (lo + hi) >> 1;
    return `if(lt(pts,${sortedPts[mid]}),${build(lo, mid)},${build(mid, hi)})`;
  };
  return sortedPts.length === 0 ? '0' : build(0, sortedPts.length);
}

const SWSCALE_MATRIX: Record<string, string> = {
  bt709: 'bt709',
  bt470bg: 'bt470',
  smpte170m: 'smpte170m',
  smpte240m: 'smpte240m',
  fcc: 'fcc',
  bt2020nc: 'bt2020',
  bt2020c: 'bt2020',
};

/**
 * YCbCr -> RGB at the source size using the stream's own matrix and range (untagged streams are treated
 * as BT.601, limited range unless the pixel format is a full-range "yuvj" one; chroma is interpolated
 * bilinearly to full resolution). Pillow modes leave the frame at the source size (the resize happens
 * in JavaScript, on RGB); 'swscale-bicubic' resizes inside FFmpeg in the same step.
 */
export function rgbChain(info: VideoInfo, size: FrameSize | undefined, resize: ResizeFilter): string {
  const matrix = SWSCALE_MATRIX[info.colorMatrix] ?? 'bt601';
  const range =
    info.colorRange === 'pc' || info.colorRange === 'tv'
      ? info.colorRange
      : info.pixelFormat.startsWith('yuvj')
        ? 'pc'
        : 'tv';
  const colour = `in_color_matrix=${matrix}:in_range=${range}:out_range=pc`;
  const sameSize = !size || (size.width === info.width && size.height === info.height);
  if (sameSize || resize !== 'swscale-bicubic') {
    return `scale=flags=bilinear+full_chroma_int:${colour},format=rgb24`;
  }
  // One swscale step (resize and YCbCr -> RGB together) with bicubic B = 0, C = 0.5, the Keys kernel
  // Pillow uses; swscale widens it on downscale. Cheapest path; approximate (see README).
  return `scale=${size.width}:${size.height}:flags=bicubic+accurate_rnd+full_chroma_int:param0=0:param1=0.5:${colour},format=rgb24`;
}
