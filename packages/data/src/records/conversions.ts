import type { CocoRle } from '../character/contracts.js';
import type { LoomDataRecord } from '../pipeline/loomdata-types.js';

/**
 * Temporal grounding / dense captioning training format, as ActivityNet Captions writes it:
 * `{ [videoId]: { duration, timestamps: [[start, end]], sentences: [text] } }` (seconds).
 */
export interface TemporalGroundingEntry {
  readonly duration: number;
  readonly timestamps: [number, number][];
  readonly sentences: string[];
}

export function toTemporalGrounding(
  records: readonly LoomDataRecord[],
): Record<string, TemporalGroundingEntry> {
  const out: Record<string, TemporalGroundingEntry> = {};
  for (const r of records) {
    const descriptions = r.segments.flatMap((s) => s.descriptions);
    out[r.videoId] = {
      duration: r.video.durationSeconds,
      timestamps: descriptions.map((d) => [d.startSeconds, d.endSeconds]),
      sentences: descriptions.map((d) => d.text),
    };
  }
  return out;
}

/**
 * Referring video object segmentation training format, as MeViS writes it: `meta_expressions.json`
 * (`videos[videoId].expressions[expId] = { exp, obj_id, anno_id }`, `frames` = frame names) and
 * `mask_dict.json` (`[annoId]` = one COCO RLE or null per frame). Expression 0 is the main character's
 * appearance description over the whole tracklet; each action description is a further expression whose
 * masks are kept only inside its span.
 */
export interface ReferringVos {
  readonly metaExpressions: {
    videos: Record<
      string,
      { expressions: Record<string, { exp: string; obj_id: number[]; anno_id: string[] }>; frames: string[] }
    >;
  };
  readonly maskDict: Record<string, (CocoRle | null)[]>;
}

export function toReferringVos(records: readonly LoomDataRecord[]): ReferringVos {
  const videos: ReferringVos['metaExpressions']['videos'] = {};
  const maskDict: ReferringVos['maskDict'] = {};
  let annoId = 0;
  for (const r of records) {
    const expressions: Record<string, { exp: string; obj_id: number[]; anno_id: string[] }> = {};
    const add = (exp: string, masks: (CocoRle | null)[]) => {
      const id = String(annoId++);
      maskDict[id] = masks;
      expressions[String(Object.keys(expressions).length)] = { exp, obj_id: [0], anno_id: [id] };
    };
    add(r.mainCharacter.description, r.tracklet);
    for (const d of r.segments.flatMap((s) => s.descriptions))
      add(
        d.text,
        r.tracklet.map((m, f) => (f >= d.startFrameIndex && f < d.endFrameIndex ? m : null)),
      );
    videos[r.videoId] = {
      expressions,
      frames: Array.from({ length: r.video.frameCount }, (_, f) => String(f).padStart(5, '0')),
    };
  }
  return { metaExpressions: { videos }, maskDict };
}
