import { MaskFormatError } from '../errors/index.js';

/**
 * A binary mask of one frame. `data` is row-major (index = y * width + x), shape (height, width), uint8
 * with 0 = background and 1 = foreground (any nonzero value counts as foreground in the metrics, as in DAVIS).
 */
export interface BinaryMask {
  readonly width: number;
  readonly height: number;
  readonly data: Uint8Array;
}

/** An all-background mask of the given size. */
export function emptyMask(width: number, height: number): BinaryMask {
  return { width, height, data: new Uint8Array(width * height) };
}

/** Wraps row-major data (nonzero = foreground) as a mask after checking its length. */
export function maskFromData(width: number, height: number, data: Uint8Array, path = '<memory>'): BinaryMask {
  if (!Number.isInteger(width) || !Number.isInteger(height) || width < 0 || height < 0) {
    throw new MaskFormatError(path, 'non-negative integer width and height', `${width}x${height}`);
  }
  if (data.length !== width * height) {
    throw new MaskFormatError(path, `${width * height} pixels (${width}x${height})`, `${data.length}`);
  }
  return { width, height, data };
}

/** Number of foreground pixels. */
export function maskArea(mask: BinaryMask): number {
  let n = 0;
  const d = mask.data;
  for (let i = 0; i < d.length; i++) if (d[i] !== 0) n++;
  return n;
}

/** Throws a typed error unless both masks have the same size. */
export function assertSameSize(a: BinaryMask, b: BinaryMask, path = '<memory>', frameIndex?: number): void {
  if (a.width !== b.width || a.height !== b.height) {
    throw new MaskFormatError(
      path,
      `a ${a.width}x${a.height} mask (the ground truth size)`,
      `${b.width}x${b.height}`,
      frameIndex,
    );
  }
}
