// The VideoLoom page: upload a video, ask, and show the answer text, the predicted span on a timeline
// and the masks over the playing video. Plain DOM; bundled with the metrics RLE decoder by tsup.
import {
  formatSeconds,
  maskHoldSeconds,
  maskIndexAt,
  type PageMask,
  rleToRgba,
  spanGeometry,
  splitNdjson,
} from './page-logic.js';

type Task = 'when' | 'where' | 'combined' | 'free';

interface VideoInfo {
  readonly videoId: string;
  readonly width: number;
  readonly height: number;
  readonly fps: number;
  readonly frameCount: number;
  readonly durationSeconds: number;
}

interface ApiError {
  readonly error: { readonly code: string; readonly message: string; readonly field?: string };
}

const MASK_COLOR: readonly [number, number, number, number] = [214, 36, 110, 150];

const PLACEHOLDERS: Record<Task, string> = {
  when: 'When does the person open the door?',
  where: 'Where is the person in the red shirt?',
  combined: 'Where is the dog while it jumps over the fence?',
  free: 'What happens in this video?',
};

function byId<T extends HTMLElement>(id: string): T {
  const element = document.getElementById(id);
  if (!element) throw new Error(`the page has no #${id}`);
  return element as T;
}

const video = byId<HTMLVideoElement>('video');
const canvas = byId<HTMLCanvasElement>('mask');
const context = canvas.getContext('2d');
const fileInput = byId<HTMLInputElement>('file');
const uploadStatus = byId<HTMLParagraphElement>('upload-status');
const question = byId<HTMLTextAreaElement>('question');
const askButton = byId<HTMLButtonElement>('ask');
const cancelButton = byId<HTMLButtonElement>('cancel');
const progress = byId<HTMLParagraphElement>('progress');
const answer = byId<HTMLOutputElement>('answer');
const errorBox = byId<HTMLParagraphElement>('error');
const timeline = byId<HTMLDivElement>('timeline');
const timelineSpan = byId<HTMLDivElement>('timeline-span');
const playhead = byId<HTMLDivElement>('timeline-playhead');
const spanLabel = byId<HTMLParagraphElement>('span-label');
const engineStatus = byId<HTMLSpanElement>('engine-status');

let current: VideoInfo | undefined;
let masks: PageMask[] = [];
let maskTimes: number[] = [];
let holdSeconds = 0;
const decoded = new Map<number, ImageData>();
let shownMask = -2;
let asking: AbortController | undefined;

function setState(state: 'idle' | 'uploading' | 'uploaded' | 'asking' | 'answered' | 'error'): void {
  document.body.dataset.state = state;
}

function showError(message: string): void {
  errorBox.textContent = message;
  setState('error');
}

function errorMessage(body: unknown, status: number): string {
  const error = (body as Partial<ApiError> | null)?.error;
  return error ? `${error.message} (${status} ${error.code})` : `HTTP ${status}`;
}

function selectedTask(): Task {
  const checked = document.querySelector<HTMLInputElement>('input[name="task"]:checked');
  return (checked?.value ?? 'when') as Task;
}

// ---- engine readiness ---------------------------------------------------------------------------

async function pollReadiness(): Promise<void> {
  try {
    const response = await fetch('readyz');
    const body = (await response.json()) as { ready?: boolean; status?: string; error?: { message: string } };
    if (body.ready) {
      engineStatus.textContent = 'engine: ready';
      engineStatus.dataset.ready = 'true';
      return;
    }
    engineStatus.textContent =
      body.status === 'failed'
        ? `engine: unavailable (${body.error?.message ?? 'failed'})`
        : 'engine: loading…';
    engineStatus.dataset.ready = 'false';
    if (body.status === 'failed') return;
  } catch {
    engineStatus.textContent = 'engine: server unreachable';
  }
  setTimeout(() => void pollReadiness(), 2000);
}

// ---- upload -------------------------------------------------------------------------------------

function upload(file: File): Promise<VideoInfo> {
  return new Promise((resolve, reject) => {
    const request = new XMLHttpRequest();
    request.open('POST', 'v1/videos');
    request.responseType = 'json';
    request.upload.onprogress = (event) => {
      if (event.lengthComputable)
        uploadStatus.textContent = `Uploading ${file.name}: ${Math.round((100 * event.loaded) / event.total)} %`;
    };
    request.onload = () => {
      if (request.status === 201) resolve(request.response as VideoInfo);
      else reject(new Error(errorMessage(request.response, request.status)));
    };
    request.onerror = () => reject(new Error('the upload failed (network error)'));
    const form = new FormData();
    form.append('file', file, file.name);
    request.send(form);
  });
}

fileInput.addEventListener('change', async () => {
  const file = fileInput.files?.[0];
  if (!file) return;
  asking?.abort();
  clearAnswer();
  errorBox.textContent = '';
  askButton.disabled = true;
  setState('uploading');
  uploadStatus.textContent = `Uploading ${file.name}…`;
  try {
    current = await upload(file);
    uploadStatus.textContent =
      `${file.name}: ${current.width}×${current.height}, ${current.fps.toFixed(2)} fps, ` +
      `${current.frameCount} frames, ${formatSeconds(current.durationSeconds)}`;
    video.src = `v1/videos/${encodeURIComponent(current.videoId)}`;
    askButton.disabled = false;
    setState('uploaded');
  } catch (error) {
    current = undefined;
    uploadStatus.textContent = '';
    showError((error as Error).message);
  }
});

// ---- asking -------------------------------------------------------------------------------------

function clearAnswer(): void {
  answer.textContent = '';
  progress.textContent = '';
  masks = [];
  maskTimes = [];
  decoded.clear();
  shownMask = -2;
  timelineSpan.hidden = true;
  spanLabel.textContent = '';
  drawMask();
}

function showSpan(startSeconds: number, endSeconds: number): void {
  const duration = current?.durationSeconds ?? video.duration;
  const { leftPercent, widthPercent } = spanGeometry({ startSeconds, endSeconds }, duration);
  timelineSpan.style.left = `${leftPercent}%`;
  timelineSpan.style.width = `${widthPercent}%`;
  timelineSpan.dataset.start = String(startSeconds);
  timelineSpan.dataset.end = String(endSeconds);
  timelineSpan.title = `${formatSeconds(startSeconds)} – ${formatSeconds(endSeconds)}`;
  timelineSpan.hidden = false;
  spanLabel.textContent = `Predicted span: ${formatSeconds(startSeconds)} – ${formatSeconds(endSeconds)}`;
}

function setMasks(next: readonly PageMask[]): void {
  masks = [...next].sort((a, b) => a.timeSeconds - b.timeSeconds);
  maskTimes = masks.map((m) => m.timeSeconds);
  holdSeconds = maskHoldSeconds(maskTimes, current?.fps ?? 0);
  decoded.clear();
  shownMask = -2;
  drawMask();
}

function addMask(mask: PageMask): void {
  setMasks([...masks, mask]);
}

interface StreamLine {
  readonly type: string;
  readonly [key: string]: unknown;
}

function handleLine(line: StreamLine): void {
  switch (line.type) {
    case 'accepted': {
      const position = line.queuePosition as number;
      progress.textContent = position > 0 ? `Waiting in the queue (position ${position})…` : 'Started…';
      break;
    }
    case 'progress':
      progress.textContent = `${line.stage as string}: ${line.done as number}/${line.total as number}`;
      break;
    case 'token':
      answer.textContent += line.text as string;
      break;
    case 'span':
      showSpan(line.startSeconds as number, line.endSeconds as number);
      break;
    case 'mask':
      addMask(line as unknown as PageMask);
      break;
    case 'result': {
      answer.textContent = line.text as string;
      const span = line.span as { startSeconds: number; endSeconds: number } | null;
      if (span) showSpan(span.startSeconds, span.endSeconds);
      else timelineSpan.hidden = true;
      setMasks(line.masks as PageMask[]);
      progress.textContent = `Done: ${masks.length} mask${masks.length === 1 ? '' : 's'}.`;
      setState('answered');
      break;
    }
    case 'error': {
      const error = line.error as { code: string; message: string };
      showError(`${error.message} (${error.code})`);
      break;
    }
    default:
      break;
  }
}

async function ask(): Promise<void> {
  if (!current) return;
  const text = question.value.trim();
  if (text.length === 0) {
    showError('Type a question first.');
    question.focus();
    return;
  }
  asking?.abort();
  const controller = new AbortController();
  asking = controller;
  clearAnswer();
  errorBox.textContent = '';
  setState('asking');
  askButton.disabled = true;
  cancelButton.hidden = false;
  try {
    const response = await fetch('v1/ask/stream', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ videoId: current.videoId, task: selectedTask(), question: text }),
      signal: controller.signal,
    });
    if (!response.ok || !response.body) {
      const body = await response.json().catch(() => null);
      throw new Error(errorMessage(body, response.status));
    }
    const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
    let rest = '';
    for (;;) {
      const { value, done } = await reader.read();
      if (done) break;
      const split = splitNdjson(rest, value);
      rest = split.rest;
      for (const line of split.lines) handleLine(JSON.parse(line) as StreamLine);
    }
    if (rest.trim()) handleLine(JSON.parse(rest) as StreamLine);
  } catch (error) {
    if (controller.signal.aborted) {
      progress.textContent = 'Cancelled.';
      setState('uploaded');
    } else {
      showError((error as Error).message);
    }
  } finally {
    if (asking === controller) asking = undefined;
    askButton.disabled = current === undefined;
    cancelButton.hidden = true;
  }
}

askButton.addEventListener('click', () => void ask());
cancelButton.addEventListener('click', () => asking?.abort());
question.addEventListener('keydown', (event) => {
  if (event.key === 'Enter' && (event.ctrlKey || event.metaKey)) void ask();
});
for (const radio of document.querySelectorAll<HTMLInputElement>('input[name="task"]')) {
  radio.addEventListener('change', () => {
    question.placeholder = PLACEHOLDERS[selectedTask()];
  });
}

// ---- masks over the video, in sync with currentTime ---------------------------------------------

function maskImage(index: number): ImageData {
  let image = decoded.get(index);
  if (!image) {
    const mask = masks[index] as PageMask;
    const rgba = rleToRgba(mask.rle, MASK_COLOR);
    image = new ImageData(rgba.data, rgba.width, rgba.height);
    decoded.set(index, image);
  }
  return image;
}

/** Draws the mask that belongs at `time` (seconds of media time) and moves the playhead. */
function drawMask(time = video.currentTime): void {
  const duration = current?.durationSeconds ?? video.duration;
  if (duration > 0) playhead.style.left = `${Math.min(100, (100 * time) / duration)}%`;
  const index = maskIndexAt(maskTimes, time, current?.fps ?? 0, holdSeconds);
  if (index === shownMask || !context) return;
  shownMask = index;
  if (index < 0) {
    context.clearRect(0, 0, canvas.width, canvas.height);
    canvas.dataset.frameIndex = '';
    return;
  }
  const image = maskImage(index);
  if (canvas.width !== image.width || canvas.height !== image.height) {
    canvas.width = image.width;
    canvas.height = image.height;
  }
  context.clearRect(0, 0, canvas.width, canvas.height);
  context.putImageData(image, 0, 0);
  canvas.dataset.frameIndex = String((masks[index] as PageMask).frameIndex);
}

function followPlayback(): void {
  if (typeof video.requestVideoFrameCallback === 'function') {
    const onFrame = (_now: number, metadata: VideoFrameCallbackMetadata) => {
      drawMask(metadata.mediaTime);
      if (!video.paused && !video.ended) video.requestVideoFrameCallback(onFrame);
    };
    video.requestVideoFrameCallback(onFrame);
  } else {
    const onTick = () => {
      drawMask();
      if (!video.paused && !video.ended) requestAnimationFrame(onTick);
    };
    requestAnimationFrame(onTick);
  }
}

video.addEventListener('play', followPlayback);
for (const event of ['seeked', 'timeupdate', 'loadeddata', 'pause']) {
  video.addEventListener(event, () => drawMask());
}

timeline.addEventListener('click', (event) => {
  const duration = current?.durationSeconds ?? video.duration;
  if (!(duration > 0)) return;
  const box = timeline.getBoundingClientRect();
  video.currentTime = Math.max(0, Math.min(duration, ((event.clientX - box.left) / box.width) * duration));
});
spanLabel.addEventListener('click', () => {
  const start = Number(timelineSpan.dataset.start);
  if (!timelineSpan.hidden && Number.isFinite(start)) video.currentTime = start;
});

void pollReadiness();
