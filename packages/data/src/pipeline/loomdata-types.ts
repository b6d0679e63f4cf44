/** The per-video files of the LoomData pipeline, one type per file. */

import type { Box, CocoRle } from '../character/contracts.js';
import type { Shot, ShotBoundary } from '../shots/shot-partition.js';
import type { SpanSeconds } from '../synth/questions.js';
import type { StageOutput } from './runner.js';

/** shots.json */
export interface ShotsFile extends StageOutput {
  readonly frameCount: number;
  readonly videoEndSeconds: number;
  readonly width: number;
  readonly height: number;
  readonly shots: Shot[];
  readonly boundaries: ShotBoundary[];
  readonly contentCuts: number[];
  readonly ktsCuts: number[];
}

/** How a shot got its tracklet. */
export type TrackletSource = 'initial' | 'redetected';

export interface ShotTracklet {
  readonly shotIndex: number;
  readonly hasTracklet: boolean;
  readonly source: TrackletSource | null;
  /** Share of the shot's frames with a mask. */
  readonly coverage: number;
  /** The shot's middle frame (shown in manual verification). */
  readonly middleFrameIndex: number;
}

/** character.json: the main character, its description and its masks on every frame. */
export interface CharacterFile extends StageOutput {
  /** The video file (the verification page decodes its frames from it). */
  readonly videoPath: string;
  readonly description: string;
  /** Middle frame of the longest shot, where the character was first detected (the verification reference). */
  readonly keyFrameIndex: number;
  readonly keyBox: Box;
  /** Size of the frames the masks were made on. */
  readonly maskWidth: number;
  readonly maskHeight: number;
  readonly shots: ShotTracklet[];
  /** One COCO RLE per video frame (frameIndex order); null where the character has no mask. */
  readonly masks: (CocoRle | null)[];
}

/** Round 1 (shots without tracklet): is the main character visible yet unlabelled? */
export type Round1Decision = 'missing' | 'ok';
/** Round 2 (shots with tracklet), appendix C.1. */
export type Round2Decision = 'incorrect' | 'redundant' | 'correct';

/** verification.json, written by the verification page as the annotator decides. */
export interface VerificationDecisions {
  readonly round1: Record<string, Round1Decision>;
  readonly round2: Record<string, Round2Decision>;
}

/** verified.json: shots with tracklets after applying the decisions. */
export interface VerifiedFile extends StageOutput {
  readonly verification: 'applied' | 'skipped';
  /** Shots whose tracklet was removed as redundant. */
  readonly droppedShots: number[];
  readonly shotsWithTracklet: number[];
}

/** One unit of annotation: adjacent shots with tracklets merged (paper: shot merging). */
export interface MergedSegment extends SpanSeconds {
  readonly segmentIndex: number;
  readonly shotIndices: number[];
  readonly startFrameIndex: number;
  /** One past the last frame. */
  readonly endFrameIndex: number;
}

/** merged.json */
export interface MergedFile extends StageOutput {
  readonly segments: MergedSegment[];
}

/** One timestamp-aligned description. */
export interface SpanDescription extends SpanSeconds {
  readonly startFrameId: number;
  readonly endFrameId: number;
  /** Frames [startFrameIndex, endFrameIndex) of the video. */
  readonly startFrameIndex: number;
  readonly endFrameIndex: number;
  readonly text: string;
}

export interface AnnotatedSegment {
  readonly segmentIndex: number;
  readonly sampledFrames: { frameId: number; frameIndex: number; timeSeconds: number }[];
  readonly descriptions: SpanDescription[];
  readonly model: string;
  readonly attempts: number;
}

/** annotation.json */
export interface AnnotationFile extends StageOutput {
  readonly segments: AnnotatedSegment[];
  /** Segments whose answers stayed invalid after every retry (reported, not kept). */
  readonly rejected: { segmentIndex: number; problems: string[]; lastAnswer: string }[];
}

/** loomdata.json: the LoomData record of one video. */
export interface LoomDataRecord extends StageOutput {
  readonly videoId: string;
  readonly video: {
    readonly path: string;
    readonly frameCount: number;
    readonly width: number;
    readonly height: number;
    readonly durationSeconds: number;
  };
  readonly shots: Shot[];
  readonly mainCharacter: {
    readonly description: string;
    readonly maskWidth: number;
    readonly maskHeight: number;
  };
  /** The main character's tracklet: a COCO RLE per frame, null outside the kept tracklet shots. */
  readonly tracklet: (CocoRle | null)[];
  readonly segments: (MergedSegment & { readonly descriptions: SpanDescription[] })[];
}
