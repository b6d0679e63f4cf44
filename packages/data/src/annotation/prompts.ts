/**
 * The two prompts of the pipeline, reworded from the paper's Fig. 11 (temporal action annotation) and
 * Fig. 12 (LoomBench questions). Same structure and rules; our own wording.
 */

/** Placeholder-free annotation prompt for a shot of `frameCount` sampled frames (ids 0..frameCount-1). */
export function actionAnnotationPrompt(frameCount: number, minFrames = 13): string {
  const lastId = frameCount - 1;
  const minimum = Math.min(minFrames, frameCount);
  return `## Task
The images are consecutive frames of one video shot. A red number in the lower-left corner of each frame is its frame ID, counting up from 0. The person the video is about carries a bright label "1" drawn at the centre and along the edge of their body.

Write detailed descriptions of what person "1" does and looks like across the whole shot. Split the frames into consecutive ranges wherever the person's action or movement changes.

## Rules
### Splitting the frames
1. The ranges must follow each other without gaps or overlaps, so that every frame ID belongs to exactly one range. A range spans at least ${minimum} frames.
2. Start a new range when the person's action or movement changes (for example, walking, then stopping). Do not cut the frames into equal pieces.
### What to describe
1. Only person "1".
2. Their appearance, actions, movements and how they interact with objects or other people.
3. What changes from one range to the next.
4. Nothing about the background, mood or atmosphere.
### How to write
1. Concise and precise: at most 5 sentences per range.
2. Each range's description is distinct, and together they read as one continuous account.
3. Never write the label "1" or "the main person"; describe the person directly (e.g. "The woman in a red coat ...").
4. Never mention the background, the camera or the setting.
### Answer format
One line per range, nothing else:
from <first frame ID> to <last frame ID>: <description>

## Example (frame IDs up to 57)
from 0 to 23: The man walks steadily forward with a black briefcase in his right hand, turning his head slightly to the left.
from 24 to 41: He stops, sets the briefcase on the ground and bends down to adjust its clasp.
from 42 to 57: He straightens up, lifts the briefcase and walks on at a faster pace, glancing to the right.

The last frame ID of this shot is ${lastId}. Cover frames 0 to ${lastId} exactly.`;
}

/** The LoomBench question prompt for one shot description (`"12.50s - 20.00s: text"`). */
export function loomBenchQuestionPrompt(shotDescription: string): string {
  return `## Task
You write questions about a video from a description of one of its segments, given with its time span. Write exactly three questions:

1. Combined question: asks where the person is while they do something. No timestamps. Include as many details of the description as you can, above all the person's actions.
2. Where question: asks where the person is during the segment, written exactly as "Where is <subject> during <start time> to <end time>?", where the subject names the person's clothing, actions or other features from the description.
3. When question: asks when the person does something, without any timestamp. Describe the action in enough detail to single out that moment of the video.

Every question must be specific and answerable from the description. No generic wording.

## Example
Input:
31.83s - 48.47s: The person wearing a black shirt is standing by the kitchen window early in the morning as sunlight streams in. She checks her phone and glances outside.
Output:
Combined question: Where is the woman in black when she checks her phone early in the morning by the kitchen window?
Where question: Where is the woman wearing a black shirt standing during 31.83s to 48.47s?
When question: When does the woman in black check her phone by the kitchen window?

## Input
${shotDescription}

## Output`;
}

/** The three questions parsed from a {@link loomBenchQuestionPrompt} answer. */
export interface ParsedQuestions {
  readonly combined: string;
  readonly where: string;
  readonly when: string;
}

/** Parses the three labelled questions; lists what is missing or breaks the prompt's rules. */
export function parseLoomBenchQuestions(text: string): { questions?: ParsedQuestions; problems: string[] } {
  const grab = (label: string): string | undefined => {
    const m = new RegExp(`^\\s*\\**\\s*${label}\\s+question\\s*\\**\\s*:\\s*\\**\\s*(.+?)\\s*$`, 'im').exec(
      text,
    );
    return m?.[1]?.replace(/\*\*/g, '').trim();
  };
  const combined = grab('combined');
  const where = grab('where');
  const when = grab('when');
  const problems: string[] = [];
  if (!combined) problems.push('no "Combined question:" line');
  if (!where) problems.push('no "Where question:" line');
  if (!when) problems.push('no "When question:" line');
  const timestamp = /\d+(?:\.\d+)?\s*s\b/;
  if (combined && timestamp.test(combined)) problems.push('the combined question contains a timestamp');
  if (when && timestamp.test(when)) problems.push('the when question contains a timestamp');
  if (where && !/during .+ to .+/i.test(where))
    problems.push('the where question lacks "during <start> to <end>"');
  return problems.length === 0
    ? { questions: { combined: combined!, where: where!, when: when! }, problems }
    : { problems };
}
