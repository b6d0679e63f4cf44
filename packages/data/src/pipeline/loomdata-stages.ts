import path from 'node:path';
import { FrameTimeline } from '@videoloom/slowfast';
import { annotateShot, type EncodedImage } from '../annotation/annotate.js';
import type { ChatClient, ChatMessage } from '../annotation/chat-client.js';
import {
  loomBenchQuestionPrompt,
  type ParsedQuestions,
  parseLoomBenchQuestions,
} from '../annotation/prompts.js';
import type {
  Box,
  CharacterDescriber,
  CocoRle,
  MaskCodec,
  MaskTracker,
  PersonDetector,
} from '../character/contracts.js';
import { AnnotationRejectedError } from '../errors/annotation-error.js';
import { StageInputError } from '../errors/stage-error.js';
import type { DecodedFrame, FrameSource, OpenFrames } from '../frames/frame-source.js';
import { partitionShots, type ShotPartitionOptions } from '../shots/shot-partition.js';
import type { LoomBenchQuestion } from '../synth/questions.js';
import { readJson, readJsonIfExists } from './atomic.js';
import type {
  AnnotatedSegment,
  AnnotationFile,
  CharacterFile,
  LoomDataRecord,
  MergedFile,
  MergedSegment,
  ShotsFile,
  ShotTracklet,
  SpanDescription,
  VerificationDecisions,
  VerifiedFile,
} from './loomdata-types.js';
import type { PipelineStage, StageOutput, VideoJob } from './runner.js';

/** An RGB image handed to the overlay and image-encoding functions. `rgb` is uint8[height, width, 3]. */
export interface RgbImage {
  readonly width: number;
  readonly height: number;
  readonly rgb: Uint8Array;
}

/** The model steps and I/O the pipeline is given (it decodes, draws and encodes nothing by itself). */
export interface LoomDataModels {
  /** Decoder (@videoloom/video-io). */
  readonly openFrames: OpenFrames;
  readonly detector: PersonDetector;
  readonly describer: CharacterDescriber;
  /** SAM2 through @videoloom/sam2-bridge. */
  readonly tracker: MaskTracker;
  /** COCO RLE codec (@videoloom/metrics). */
  readonly maskCodec: MaskCodec;
  /**
   * Draws the NumPro frame id (lower-left, red) and the Set-of-Marks instance id at the mask's centre
   * and boundary (@videoloom/video-io). `instanceMask` is uint8[height * width] at the frame's size, or null.
   */
  readonly drawOverlays: (
    frame: RgbImage,
    overlay: {
      readonly frameId: number;
      readonly instanceId: number;
      readonly instanceMask: Uint8Array | null;
    },
  ) => RgbImage;
  /** Encodes a frame for the chat request (JPEG or PNG). */
  readonly encodeImage: (image: RgbImage) => EncodedImage | Promise<EncodedImage>;
  /** The multimodal model of the action annotation (the paper used Gemini 2.5 Pro). */
  readonly annotationClient: ChatClient;
  /** The text model of the LoomBench questions (the paper used LLaMA 3.1). @defaultValue annotationClient */
  readonly questionClient?: ChatClient;
}

/** Options of the LoomData stages; every one is recorded in the manifest. */
export interface LoomDataConfig {
  readonly shots?: Omit<ShotPartitionOptions, 'onProgress'>;
  /** Width frames are decoded at for detection, tracking and overlays. @defaultValue 640 */
  readonly workWidth?: number;
  /** A shot has a tracklet when at least this share of its frames has a mask. @defaultValue 0.5 */
  readonly minTrackletCoverage?: number;
  /** Detector query for the main character. @defaultValue 'person' */
  readonly personQuery?: string;
  /** Sampling rate of the annotation frames. @defaultValue 2 */
  readonly annotationFps?: number;
  /** @defaultValue 13 */
  readonly minRangeFrames?: number;
  /** Answers asked for per segment (annotation) or description (questions). @defaultValue 3 */
  readonly maxAttempts?: number;
  /** Wait for verification.json (written by the verification page) before merging. @defaultValue false */
  readonly manualVerification?: boolean;
}

const middle = (start: number, end: number): number => Math.floor((start + end - 1) / 2);

/** Frames of `source` whose indices are in `wanted` (one pass; others are dropped at once). */
async function pickFrames(
  source: FrameSource,
  wanted: ReadonlySet<number>,
): Promise<Map<number, DecodedFrame>> {
  const out = new Map<number, DecodedFrame>();
  let last = -1;
  for (const f of wanted) last = Math.max(last, f);
  for await (const frame of source) {
    if (wanted.has(frame.frameIndex)) out.set(frame.frameIndex, frame);
    if (frame.frameIndex >= last) break;
  }
  return out;
}

/** Frames of `source` within [start, end). */
function frameRange(source: FrameSource, start: number, end: number): FrameSource {
  return {
    async *[Symbol.asyncIterator]() {
      for await (const f of source) {
        if (f.frameIndex >= end) return;
        if (f.frameIndex >= start) yield f;
      }
    },
  };
}

/** The seven stages of the LoomData pipeline, in order. */
export function loomDataStages(models: LoomDataModels, config: LoomDataConfig = {}): PipelineStage[] {
  const workWidth = config.workWidth ?? 640;
  const minCoverage = config.minTrackletCoverage ?? 0.5;
  const personQuery = config.personQuery ?? 'person';
  const fps = config.annotationFps ?? 2;
  const minRangeFrames = config.minRangeFrames ?? 13;
  const maxAttempts = config.maxAttempts ?? 3;
  const questionClient = models.questionClient ?? models.annotationClient;
  const file = (job: VideoJob, name: string) => path.join(job.dir, name);

  const shots: PipelineStage = {
    name: 'shots',
    version: '1',
    output: 'shots.json',
    config: config.shots ?? {},
    async run(job): Promise<ShotsFile> {
      const p = await partitionShots(models.openFrames(job.videoPath), config.shots);
      return {
        frameCount: p.frameCount,
        videoEndSeconds: p.videoEndSeconds,
        width: p.width,
        height: p.height,
        shots: p.shots,
        boundaries: p.boundaries,
        contentCuts: p.contentCuts,
        ktsCuts: p.ktsCuts,
        ...(p.kept ? {} : { discarded: { reason: p.discardReason ?? 'too many shots' } }),
      };
    },
  };

  const character: PipelineStage = {
    name: 'character',
    version: '1',
    output: 'character.json',
    config: { workWidth, minCoverage, personQuery },
    models: { detector: models.detector.id, describer: models.describer.id, tracker: models.tracker.id },
    inputs: ['shots.json'],
    async run(job): Promise<CharacterFile | StageOutput> {
      const { shots: list, frameCount } = await readJson<ShotsFile>(file(job, 'shots.json'));
      const open = () => models.openFrames(job.videoPath, { maxWidth: workWidth });
      const longest = list.reduce((a, b) =>
        b.endSeconds - b.startSeconds > a.endSeconds - a.startSeconds ? b : a,
      );
      const middles = list.map((s) => middle(s.startFrameIndex, s.endFrameIndex));
      const keyFrameIndex = middle(longest.startFrameIndex, longest.endFrameIndex);
      const centreFrames = await pickFrames(open(), new Set(middles));
      const keyFrame = centreFrames.get(keyFrameIndex);
      if (!keyFrame) throw new StageInputError(job.videoPath, `the decoder gave no frame ${keyFrameIndex}`);
      const detections = await models.detector.detect(keyFrame, personQuery);
      if (detections.length === 0)
        return { discarded: { reason: `no "${personQuery}" in the middle frame of the longest shot` } };
      const keyBox = detections.reduce((a, b) => (b.score > a.score ? b : a)).box;
      const description = await models.describer.describe(keyFrame, keyBox);

      const masks: (Uint8Array | null)[] = new Array(frameCount).fill(null);
      let maskWidth = keyFrame.width;
      let maskHeight = keyFrame.height;
      const collect = async (
        frames: FrameSource,
        promptFrame: DecodedFrame,
        box: Box,
        range: { start: number; end: number },
      ) => {
        const keep = (f: number) => f >= range.start && f < range.end;
        for await (const t of models.tracker.track({
          frames,
          promptFrameIndex: promptFrame.frameIndex,
          promptFrame,
          box,
          startFrameIndex: range.start,
          endFrameIndex: range.end,
        })) {
          if (!keep(t.frameIndex) || t.frameIndex >= frameCount) continue;
          masks[t.frameIndex] = t.mask;
          maskWidth = t.width;
          maskHeight = t.height;
        }
      };
      const coverage = (start: number, end: number) => {
        let n = 0;
        for (let f = start; f < end; f++) if (masks[f]) n++;
        return n / Math.max(1, end - start);
      };
      await collect(frameRange(open(), 0, frameCount), keyFrame, keyBox, { start: 0, end: frameCount });
      const tracklets: ShotTracklet[] = [];
      for (const [i, s] of list.entries()) {
        let c = coverage(s.startFrameIndex, s.endFrameIndex);
        let source: ShotTracklet['source'] = c >= minCoverage ? 'initial' : null;
        if (!source) {
          // Grounding-tracking: re-detect from the description in the shot's middle frame, track in the shot.
          const centre = centreFrames.get(middles[i]!);
          const again = centre ? await models.detector.detect(centre, description) : [];
          if (centre && again.length > 0) {
            for (let f = s.startFrameIndex; f < s.endFrameIndex; f++) masks[f] = null;
            const box = again.reduce((a, b) => (b.score > a.score ? b : a)).box;
            await collect(frameRange(open(), s.startFrameIndex, s.endFrameIndex), centre, box, {
              start: s.startFrameIndex,
              end: s.endFrameIndex,
            });
            c = coverage(s.startFrameIndex, s.endFrameIndex);
            if (c >= minCoverage) source = 'redetected';
          }
        }
        if (!source) for (let f = s.startFrameIndex; f < s.endFrameIndex; f++) masks[f] = null;
        tracklets.push({
          shotIndex: s.shotIndex,
          hasTracklet: source !== null,
          source,
          coverage: c,
          middleFrameIndex: middles[i]!,
        });
      }
      return {
        videoPath: job.videoPath,
        description,
        keyFrameIndex,
        keyBox,
        maskWidth,
        maskHeight,
        shots: tracklets,
        masks: masks.map((m) => (m ? models.maskCodec.encode(m, maskWidth, maskHeight) : null)),
      };
    },
  };

  const verify: PipelineStage = {
    name: 'verify',
    version: '1',
    output: 'verified.json',
    config: { manualVerification: config.manualVerification ?? false },
    inputs: ['character.json', 'verification.json'],
    async run(job): Promise<VerifiedFile> {
      const ch = await readJson<CharacterFile>(file(job, 'character.json'));
      const withTracklet = ch.shots.filter((s) => s.hasTracklet).map((s) => s.shotIndex);
      if (!config.manualVerification)
        return { verification: 'skipped', droppedShots: [], shotsWithTracklet: withTracklet };
      const decisions = await readJsonIfExists<VerificationDecisions>(file(job, 'verification.json'));
      const round1 = ch.shots.filter((s) => !s.hasTracklet).map((s) => s.shotIndex);
      // A discarding decision settles the video even while its other shots are undecided.
      const missing = round1.filter((s) => decisions?.round1[s] === 'missing');
      const incorrect = withTracklet.filter((s) => decisions?.round2[s] === 'incorrect');
      const reasons = [
        ...(missing.length ? [`main character unlabelled in shot(s) ${missing.join(', ')}`] : []),
        ...(incorrect.length ? [`incorrect tracklet in shot(s) ${incorrect.join(', ')}`] : []),
      ];
      if (reasons.length)
        return {
          verification: 'applied',
          droppedShots: [],
          shotsWithTracklet: [],
          discarded: { reason: `verification: ${reasons.join('; ')}` },
        };
      const undecided = [
        ...round1.filter((s) => !decisions?.round1[s]),
        ...withTracklet.filter((s) => !decisions?.round2[s]),
      ];
      if (!decisions || undecided.length > 0)
        throw new StageInputError(
          file(job, 'verification.json'),
          `awaiting manual verification of shot(s) ${undecided.join(', ')}; open the verification page for this output folder`,
        );
      const dropped = withTracklet.filter((s) => decisions.round2[s] === 'redundant');
      return {
        verification: 'applied',
        droppedShots: dropped,
        shotsWithTracklet: withTracklet.filter((s) => !dropped.includes(s)),
      };
    },
  };

  const merge: PipelineStage = {
    name: 'merge',
    version: '1',
    output: 'merged.json',
    config: {},
    inputs: ['shots.json', 'verified.json'],
    async run(job): Promise<MergedFile | StageOutput> {
      const { shots: list } = await readJson<ShotsFile>(file(job, 'shots.json'));
      const { shotsWithTracklet } = await readJson<VerifiedFile>(file(job, 'verified.json'));
      const tracked = new Set(shotsWithTracklet);
      const segments: MergedSegment[] = [];
      let run: typeof list = [];
      const flush = () => {
        if (run.length === 0) return;
        segments.push({
          segmentIndex: segments.length,
          shotIndices: run.map((s) => s.shotIndex),
          startFrameIndex: run[0]!.startFrameIndex,
          endFrameIndex: run.at(-1)!.endFrameIndex,
          startSeconds: run[0]!.startSeconds,
          endSeconds: run.at(-1)!.endSeconds,
        });
        run = [];
      };
      for (const s of list) {
        if (tracked.has(s.shotIndex)) run.push(s);
        else flush();
      }
      flush();
      return segments.length ? { segments } : { segments, discarded: { reason: 'no shot has a tracklet' } };
    },
  };

  const annotate: PipelineStage = {
    name: 'annotate',
    version: '1',
    output: 'annotation.json',
    config: { annotationFps: fps, minRangeFrames, maxAttempts, workWidth },
    models: { annotation: models.annotationClient.config.model },
    inputs: ['merged.json', 'character.json'],
    async run(job): Promise<AnnotationFile | StageOutput> {
      const { segments } = await readJson<MergedFile>(file(job, 'merged.json'));
      const ch = await readJson<CharacterFile>(file(job, 'character.json'));
      // Pass 1 over the video: frame times. Sampling picks, for each 1/fps step, the first frame at or after it.
      const times: number[] = [];
      for await (const f of models.openFrames(job.videoPath, { maxWidth: workWidth }))
        times.push(f.timeSeconds);
      const plans = segments.map((seg) => {
        const picked: number[] = [];
        let next = seg.startSeconds;
        for (let f = seg.startFrameIndex; f < seg.endFrameIndex; f++) {
          if (times[f]! + 1e-9 >= next) {
            picked.push(f);
            next += 1 / fps;
            while (next <= times[f]!) next += 1 / fps;
          }
        }
        return { seg, picked };
      });
      const wanted = new Set(plans.flatMap((p) => p.picked));
      const frames = await pickFrames(models.openFrames(job.videoPath, { maxWidth: workWidth }), wanted);
      const annotated: AnnotatedSegment[] = [];
      const rejected: AnnotationFile['rejected'] = [];
      for (const { seg, picked } of plans) {
        const images: EncodedImage[] = [];
        for (const [frameId, frameIndex] of picked.entries()) {
          const frame = frames.get(frameIndex);
          if (!frame) throw new StageInputError(job.videoPath, `the decoder gave no frame ${frameIndex}`);
          const rle = ch.masks[frameIndex];
          const mask =
            rle && frame.width === ch.maskWidth && frame.height === ch.maskHeight
              ? models.maskCodec.decode(rle)
              : null;
          images.push(
            await models.encodeImage(
              models.drawOverlays(frame, { frameId, instanceId: 1, instanceMask: mask }),
            ),
          );
        }
        try {
          const result = await annotateShot(
            models.annotationClient,
            { videoId: job.videoId, shotIndex: seg.segmentIndex, images },
            { maxAttempts, minFrames: minRangeFrames },
          );
          const timeline = new FrameTimeline(
            picked.map((frameIndex, frameId) => ({ frameId, frameIndex, timeSeconds: times[frameIndex]! })),
            seg.endSeconds,
          );
          const descriptions: SpanDescription[] = result.segments.map((s) => {
            const span = timeline.secondsOfFrameIdSpan(s);
            const endFrameIndex =
              s.endFrameId + 1 < picked.length ? picked[s.endFrameId + 1]! : seg.endFrameIndex;
            return {
              startFrameId: s.startFrameId,
              endFrameId: s.endFrameId,
              startFrameIndex: picked[s.startFrameId]!,
              endFrameIndex,
              ...span,
              text: s.description,
            };
          });
          annotated.push({
            segmentIndex: seg.segmentIndex,
            sampledFrames: picked.map((frameIndex, frameId) => ({
              frameId,
              frameIndex,
              timeSeconds: times[frameIndex]!,
            })),
            descriptions,
            model: result.model,
            attempts: result.attempts,
          });
        } catch (error) {
          if (!AnnotationRejectedError.isInstance(error)) throw error;
          rejected.push({
            segmentIndex: seg.segmentIndex,
            problems: [...error.problems],
            lastAnswer: error.lastAnswer,
          });
        }
      }
      return annotated.length
        ? { segments: annotated, rejected }
        : { segments: annotated, rejected, discarded: { reason: 'every segment annotation was rejected' } };
    },
  };

  const record: PipelineStage = {
    name: 'record',
    version: '1',
    output: 'loomdata.json',
    config: {},
    inputs: ['shots.json', 'character.json', 'verified.json', 'merged.json', 'annotation.json'],
    async run(job): Promise<LoomDataRecord> {
      const sh = await readJson<ShotsFile>(file(job, 'shots.json'));
      const ch = await readJson<CharacterFile>(file(job, 'character.json'));
      const { shotsWithTracklet } = await readJson<VerifiedFile>(file(job, 'verified.json'));
      const { segments } = await readJson<MergedFile>(file(job, 'merged.json'));
      const an = await readJson<AnnotationFile>(file(job, 'annotation.json'));
      const kept = new Set(shotsWithTracklet);
      const tracklet: (CocoRle | null)[] = ch.masks.map((m, f) => {
        const shot = sh.shots.find((s) => f >= s.startFrameIndex && f < s.endFrameIndex);
        return shot && kept.has(shot.shotIndex) ? m : null;
      });
      return {
        videoId: job.videoId,
        video: {
          path: job.videoPath,
          frameCount: sh.frameCount,
          width: sh.width,
          height: sh.height,
          durationSeconds: sh.videoEndSeconds,
        },
        shots: sh.shots,
        mainCharacter: { description: ch.description, maskWidth: ch.maskWidth, maskHeight: ch.maskHeight },
        tracklet,
        segments: an.segments.map((a) => ({ ...segments[a.segmentIndex]!, descriptions: a.descriptions })),
      };
    },
  };

  const questions: PipelineStage = {
    name: 'questions',
    version: '1',
    output: 'loombench.json',
    config: { maxAttempts },
    models: { questions: questionClient.config.model },
    inputs: ['loomdata.json'],
    async run(job): Promise<StageOutput> {
      const rec = await readJson<LoomDataRecord>(file(job, 'loomdata.json'));
      const out: LoomBenchQuestion[] = [];
      const failures: { description: string; problems: string[] }[] = [];
      for (const seg of rec.segments)
        for (const d of seg.descriptions) {
          const input = `${d.startSeconds.toFixed(2)}s - ${d.endSeconds.toFixed(2)}s: ${d.text}`;
          let parsed: ParsedQuestions | undefined;
          let problems: string[] = [];
          const messages: ChatMessage[] = [{ role: 'user', content: loomBenchQuestionPrompt(input) }];
          for (let attempt = 0; attempt < maxAttempts && !parsed; attempt++) {
            const answer = await questionClient.complete(messages);
            ({ questions: parsed, problems } = parseLoomBenchQuestions(answer.text));
            // Ask again with what was wrong, as for the annotation.
            if (!parsed)
              messages.push(
                { role: 'assistant', content: answer.text },
                {
                  role: 'user',
                  content: `Your answer breaks the rules:\n${problems.map((p) => `- ${p}`).join('\n')}\nWrite the three questions again in the same format.`,
                },
              );
          }
          if (!parsed) {
            failures.push({ description: input, problems });
            continue;
          }
          const base = {
            videoId: rec.videoId,
            span: { startSeconds: d.startSeconds, endSeconds: d.endSeconds },
            startFrame: d.startFrameIndex,
            endFrame: d.endFrameIndex,
            action: d.text,
          };
          const id = `${rec.videoId}-s${seg.segmentIndex}-f${d.startFrameId}`;
          out.push({ ...base, questionId: `${id}-when`, type: 'when', question: parsed.when });
          out.push({ ...base, questionId: `${id}-where`, type: 'where', question: parsed.where });
          out.push({ ...base, questionId: `${id}-combined`, type: 'combined', question: parsed.combined });
        }
      return { questions: out, failures };
    },
  };

  return [shots, character, verify, merge, annotate, record, questions];
}
