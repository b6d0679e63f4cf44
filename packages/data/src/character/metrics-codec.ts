import { decodeRle, encodeRle } from '@videoloom/metrics';
import type { CocoRle, MaskCodec } from './contracts.js';

/** The pipeline's mask codec: COCO compressed RLE from @videoloom/metrics (the one owner of RLE). */
export const cocoRleCodec: MaskCodec = {
  encode(mask: Uint8Array, width: number, height: number): CocoRle {
    return encodeRle({ width, height, data: mask });
  },
  decode(rle: CocoRle): Uint8Array {
    return decodeRle(rle).data;
  },
};
