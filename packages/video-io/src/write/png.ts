import { deflateSync, inflateSync } from 'node:zlib';
import { InvalidFrameSizeError, MAX_FRAME_SIDE, NotAVideoError } from '../errors/index.js';
import type { RgbFrame } from '../video-source.js';

const SIGNATURE = Uint8Array.from([137, 80, 78, 71, 13, 10, 26, 10]);

const CRC_TABLE = (() => {
  const table = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    table[n] = c >>> 0;
  }
  return table;
})();

function crc32(bytes: Uint8Array): number {
  let c = 0xffffffff;
  for (const byte of bytes) c = CRC_TABLE[(c ^ byte) & 0xff]! ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

function chunk(type: string, data: Uint8Array): Buffer {
  const out = Buffer.alloc(12 + data.length);
  out.writeUInt32BE(data.length, 0);
  out.write(type, 4, 'latin1');
  out.set(data, 8);
  out.writeUInt32BE(crc32(out.subarray(4, 8 + data.length)), 8 + data.length);
  return out;
}

function checkFrame(frame: RgbFrame, label: string): void {
  const { width, height, data } = frame;
  if (
    !(Number.isInteger(width) && Number.isInteger(height) && width >= 1 && height >= 1) ||
    width > MAX_FRAME_SIDE ||
    height > MAX_FRAME_SIDE
  ) {
    throw new InvalidFrameSizeError(label, `${width}x${height}`);
  }
  if (data.length !== width * height * 3) {
    throw new InvalidFrameSizeError(
      label,
      `${data.length} bytes`,
      `${width}x${height}x3 = ${width * height * 3} bytes of rgb24`,
    );
  }
}

/**
 * Encodes an rgb24 frame as an 8-bit RGB PNG (each row with the "Up" filter, which suits photos and
 * gradients well enough without a per-row search).
 */
export function encodePng(frame: RgbFrame): Buffer {
  checkFrame(frame, 'PNG frame');
  const { width, height, data } = frame;
  const stride = width * 3;
  const raw = new Uint8Array((stride + 1) * height);
  for (let y = 0; y < height; y++) {
    const o = y * (stride + 1);
    raw[o] = y === 0 ? 0 : 2;
    const row = y * stride;
    if (y === 0) raw.set(data.subarray(0, stride), o + 1);
    else for (let x = 0; x < stride; x++) raw[o + 1 + x] = (data[row + x]! - data[row - stride + x]!) & 0xff;
  }
  const header = Buffer.alloc(13);
  header.writeUInt32BE(width, 0);
  header.writeUInt32BE(height, 4);
  header.set([8, 2, 0, 0, 0], 8);
  return Buffer.concat([
    SIGNATURE,
    chunk('IHDR', header),
    chunk('IDAT', deflateSync(raw, { level: 6 })),
    chunk('IEND', new Uint8Array(0)),
  ]);
}

function paeth(a: number, b: number, c: number): number {
  const p = a + b - c;
  const pa = Math.abs(p - a);
  const pb = Math.abs(p - b);
  const pc = Math.abs(p - c);
  return pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
}

/**
 * Decodes a non-interlaced 8-bit PNG (grey, grey+alpha, RGB or RGBA) to rgb24; alpha is dropped.
 * @param label names the input in errors (a path)
 */
export function decodePng(bytes: Uint8Array, label = 'PNG'): RgbFrame {
  const buffer = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (buffer.length < 8 || !buffer.subarray(0, 8).equals(SIGNATURE))
    throw new NotAVideoError(label, 'not a PNG file');
  let offset = 8;
  let width = 0;
  let height = 0;
  let channels = 0;
  const idat: Buffer[] = [];
  while (offset + 8 <= buffer.length) {
    const length = buffer.readUInt32BE(offset);
    const type = buffer.toString('latin1', offset + 4, offset + 8);
    const data = buffer.subarray(offset + 8, offset + 8 + length);
    if (type === 'IHDR') {
      width = data.readUInt32BE(0);
      height = data.readUInt32BE(4);
      const [depth, colorType, , , interlace] = [data[8], data[9], data[10], data[11], data[12]];
      const channelsOf: Record<number, number> = { 0: 1, 2: 3, 4: 2, 6: 4 };
      channels = channelsOf[colorType ?? -1] ?? 0;
      if (depth !== 8 || channels === 0 || interlace !== 0) {
        throw new NotAVideoError(
          label,
          `unsupported PNG (bit depth ${depth}, colour type ${colorType}, interlace ${interlace})`,
        );
      }
    } else if (type === 'IDAT') idat.push(data);
    else if (type === 'IEND') break;
    offset += 12 + length;
  }
  if (!channels || width < 1 || height < 1) throw new NotAVideoError(label, 'PNG without a valid IHDR chunk');
  const raw = inflateSync(Buffer.concat(idat));
  const stride = width * channels;
  const pixels = new Uint8Array(stride * height);
  for (let y = 0; y < height; y++) {
    const filter = raw[y * (stride + 1)];
    const src = y * (stride + 1) + 1;
    const dst = y * stride;
    for (let x = 0; x < stride; x++) {
      const a = x >= channels ? pixels[dst + x - channels]! : 0;
      const b = y > 0 ? pixels[dst - stride + x]! : 0;
      const c = x >= channels && y > 0 ? pixels[dst - stride + x - channels]! : 0;
      const value = raw[src + x]!;
      const predicted =
        filter === 0 ? 0 : filter === 1 ? a : filter === 2 ? b : filter === 3 ? (a + b) >> 1 : paeth(a, b, c);
      pixels[dst + x] = (value + predicted) & 0xff;
    }
  }
  if (channels === 3) return { width, height, data: pixels };
  const rgb = new Uint8Array(width * height * 3);
  for (let i = 0; i < width * height; i++) {
    const grey = channels <= 2;
    rgb[i * 3] = pixels[i * channels]!;
    rgb[i * 3 + 1] = pixels[i * channels + (grey ? 0 : 1)]!;
    rgb[i * 3 + 2] = pixels[i * channels + (grey ? 0 : 2)]!;
  }
  return { width, height, data: rgb };
}
