import { parseAnnotation } from '@videoloom/slowfast';

/**
 * The "from A to B: description" answer format of the annotation prompt (paper Fig. 11): parsing is
 * @videoloom/slowfast's `parseAnnotation`; this file adds the pipeline's validation rules.
 */

/** One parsed line: sampled frame ids A..B inclusive, and what the person does then. */
export interface FrameRangeSegment {
  readonly startFrameId: number;
  readonly endFrameId: number;
  readonly description: string;
}

/**
 * Reads an annotation answer with slowfast's parser. A reversed range ("from 9 to 3"), which the parser
 * reads swapped, is a problem here: the pipeline keeps only answers that follow the format as asked.
 */
export function readAnnotationAnswer(text: string): { segments: FrameRangeSegment[]; problems: string[] } {
  // Models often bold the range ("**from 0 to 12:** ..."); slowfast's parser would keep the closing
  // "**" in the description, so bold markers are dropped first (descriptions carry no markdown).
  const parsed = parseAnnotation(text.replace(/\*\*/g, ''));
  if (!parsed.ok) return { segments: [], problems: ['no "from A to B: description" line was found'] };
  const segments = parsed.value.map((s) => ({
    startFrameId: s.startFrameId,
    endFrameId: s.endFrameId,
    description: s.description,
  }));
  const problems = parsed.issues
    .filter((i) => i.kind === 'reversed-range')
    .map((i) => `a range is reversed: ${i.detail}`);
  return { segments, problems };
}

/** Options of {@link validateSegments}. */
export interface SegmentRules {
  /** Sampled frames in the shot: ids 0..frameCount-1 must each be covered exactly once. */
  readonly frameCount: number;
  /** Fewest frames in a range; shots with fewer sampled frames than this need one range over all. @defaultValue 13 */
  readonly minFrames?: number;
}

/**
 * Checks the paper's rules: full coverage of 0..frameCount-1, no overlaps or gaps, ranges in order, each
 * at least `min(minFrames, frameCount)` frames, within the frame count, and a non-empty description.
 * @returns one line per problem; empty when the answer is valid
 */
export function validateSegments(segments: readonly FrameRangeSegment[], rules: SegmentRules): string[] {
  const problems: string[] = [];
  const minFrames = Math.min(rules.minFrames ?? 13, rules.frameCount);
  const last = rules.frameCount - 1;
  if (segments.length === 0) return ['no "from A to B: description" line was found'];
  let expectedStart = 0;
  segments.forEach((s, i) => {
    const label = `range ${i + 1} (from ${s.startFrameId} to ${s.endFrameId})`;
    if (s.endFrameId < s.startFrameId) problems.push(`${label} ends before it starts`);
    if (s.endFrameId > last) problems.push(`${label} goes past the last frame id ${last}`);
    if (s.startFrameId < expectedStart)
      problems.push(`${label} overlaps the previous range, which ends at ${expectedStart - 1}`);
    else if (s.startFrameId > expectedStart)
      problems.push(`${label} leaves frames ${expectedStart}..${s.startFrameId - 1} unassigned`);
    const length = s.endFrameId - s.startFrameId + 1;
    if (length < minFrames)
      problems.push(`${label} has ${length} frames; each range needs at least ${minFrames}`);
    if (s.description.trim().length === 0) problems.push(`${label} has no description`);
    expectedStart = Math.max(expectedStart, s.endFrameId + 1);
  });
  if (expectedStart <= last) problems.push(`frames ${expectedStart}..${last} are not covered by any range`);
  return problems;
}
