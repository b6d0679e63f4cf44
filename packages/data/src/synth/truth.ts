import type { Appearance } from './appearance.js';
import { type SpanSeconds, segmentSpan } from './questions.js';
import { describeSegment, type SynthScenario } from './scenario.js';

/** A timestamp-aligned description of one action of the main character (LoomData's unit). */
export interface ActionDescription extends SpanSeconds {
  readonly startFrame: number;
  /** One past the last frame. */
  readonly endFrame: number;
  readonly action: string;
  readonly text: string;
}

export interface ShotTruth extends SpanSeconds {
  readonly shotIndex: number;
  readonly startFrame: number;
  readonly endFrame: number;
  /** Whether the main character appears in this shot (it has a tracklet). */
  readonly mainPresent: boolean;
  readonly descriptions: readonly ActionDescription[];
}

/** The temporal truth of one synthetic video (masks are rendered per frame; see renderFrame). */
export interface VideoTruth {
  readonly videoId: string;
  readonly seed: number;
  readonly fps: number;
  readonly width: number;
  readonly height: number;
  readonly frameCount: number;
  readonly durationSeconds: number;
  readonly mainCharacter: { readonly description: string; readonly appearance: Appearance };
  readonly shots: readonly ShotTruth[];
}

export function videoTruth(scenario: SynthScenario): VideoTruth {
  const { fps, width, height } = scenario.world;
  return {
    videoId: scenario.videoId,
    seed: scenario.seed,
    fps,
    width,
    height,
    frameCount: scenario.frameCount,
    durationSeconds: scenario.frameCount / fps,
    mainCharacter: { description: scenario.mainDescription, appearance: scenario.main },
    shots: scenario.shots.map((shot) => ({
      shotIndex: shot.shotIndex,
      startFrame: shot.startFrame,
      endFrame: shot.endFrame,
      ...segmentSpan(shot, fps),
      mainPresent: shot.mainSegments.length > 0,
      descriptions: shot.mainSegments.map((segment) => ({
        startFrame: segment.startFrame,
        endFrame: segment.endFrame,
        ...segmentSpan(segment, fps),
        action: segment.action,
        text: describeSegment(scenario, segment),
      })),
    })),
  };
}
