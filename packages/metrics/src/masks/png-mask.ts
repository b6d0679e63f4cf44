import { decode, encode } from 'fast-png';
import { MaskFormatError } from '../errors/index.js';
import type { BinaryMask } from './binary-mask.js';

/** A decoded indexed (label) image: one uint8 label per pixel, row-major, shape (height, width). */
export interface LabelImage {
  readonly width: number;
  readonly height: number;
  readonly labels: Uint8Array;
  /** The PNG palette (RGB triples) when the file is a palette PNG. */
  readonly palette?: readonly (readonly number[])[];
}

/** The DAVIS palette's first entries (0 black, 1 dark red, 2 dark green, …) used when writing label PNGs. */
export const DAVIS_PALETTE: readonly (readonly [number, number, number])[] = [
  [0, 0, 0],
  [128, 0, 0],
  [0, 128, 0],
  [128, 128, 0],
  [0, 0, 128],
  [128, 0, 128],
  [0, 128, 128],
  [128, 128, 128],
];

/**
 * Reads a mask PNG as DAVIS ships them: palette PNGs give the palette index; grey PNGs give the grey value;
 * RGB(A) PNGs are reduced to "any channel nonzero" (label 1).
 */
export function readLabelPng(bytes: Uint8Array, path = '<png>'): LabelImage {
  let png: ReturnType<typeof decode>;
  try {
    png = decode(bytes);
  } catch (cause) {
    throw new MaskFormatError(path, 'a PNG image', `undecodable bytes (${(cause as Error).message})`);
  }
  const { width, height, channels, depth } = png;
  const n = width * height;
  const labels = new Uint8Array(n);
  const src = png.data;
  if (png.palette) {
    if (depth === 8) labels.set(src.subarray(0, n) as Uint8Array);
    else {
      // sub-byte palette depths: fast-png unpacks to one value per pixel
      for (let i = 0; i < n; i++) labels[i] = src[i] as number;
    }
    return { width, height, labels, palette: png.palette.map((c) => [...c]) };
  }
  if (channels === 1 || channels === 2) {
    const shift = depth === 16 ? 8 : 0;
    for (let i = 0; i < n; i++) labels[i] = (src[i * channels] as number) >> shift;
    return { width, height, labels };
  }
  for (let i = 0; i < n; i++) {
    let any = 0;
    for (let c = 0; c < Math.min(channels, 3); c++) any |= src[i * channels + c] as number;
    labels[i] = any !== 0 ? 1 : 0;
  }
  return { width, height, labels };
}

/** Binary mask of one label (`objectId`), or of every nonzero label when omitted. */
export function labelsToMask(img: LabelImage, objectId?: number): BinaryMask {
  const data = new Uint8Array(img.labels.length);
  for (let i = 0; i < data.length; i++) {
    const l = img.labels[i] as number;
    data[i] = (objectId === undefined ? l !== 0 : l === objectId) ? 1 : 0;
  }
  return { width: img.width, height: img.height, data };
}

/** Writes labels as an 8-bit palette PNG with the DAVIS palette (label k -> palette entry k). */
export function writeLabelPng(img: { width: number; height: number; labels: Uint8Array }): Uint8Array {
  let max = 0;
  for (const l of img.labels) if (l > max) max = l;
  const palette = Array.from(
    { length: Math.max(max + 1, 2) },
    (_, i) => [...(DAVIS_PALETTE[i] ?? [i, i, i])] as [number, number, number],
  );
  return encode({ width: img.width, height: img.height, data: img.labels, depth: 8, channels: 1, palette });
}

/** Writes a binary mask as a palette PNG (0 background, 1 object). */
export function writeMaskPng(mask: BinaryMask): Uint8Array {
  const labels = new Uint8Array(mask.data.length);
  for (let i = 0; i < labels.length; i++) labels[i] = mask.data[i] !== 0 ? 1 : 0;
  return writeLabelPng({ width: mask.width, height: mask.height, labels });
}
