/**
 * The "from A to B: description" answer format of the annotation prompt (paper Fig. 11) and its
 * validation. The parser is deliberately tiny: @videoloom/slowfast owns answer parsing, and its parser
 * replaces `parseFrameRangeAnswer` once it is merged; the validation works on the parsed type either way.
 */

/** One parsed line: sampled frame ids A..B inclusive, and what the person does then. */
export interface FrameRangeSegment {
  readonly startFrameId: number;
  readonly endFrameId: number;
  readonly description: string;
}

const LINE = /^\s*(?:[-*]\s*)?from\s+\[?(\d+)\]?\s+to\s+\[?(\d+)\]?\s*[:：]\s*(.+?)\s*$/i;

/** Parses every "from A to B: description" line; other lines (blank, markdown) are ignored. INTEGRATION POINT: replace with slowfast's parser. */
export function parseFrameRangeAnswer(text: string): FrameRangeSegment[] {
  const out: FrameRangeSegment[] = [];
  for (const line of text.split(/\r?\n/)) {
    const m = LINE.exec(line.replace(/\*\*/g, ''));
    if (m) out.push({ startFrameId: Number(m[1]), endFrameId: Number(m[2]), description: m[3]! });
  }
  return out;
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
