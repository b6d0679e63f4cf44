import path from 'node:path';
import { parseArgs } from 'node:util';
import {
  type CharacterDescriber,
  ChatClient,
  ColourDescriber,
  ColourTracker,
  ContrastPersonDetector,
  cocoRleCodec,
  drawAnnotationOverlays,
  encodeAnnotationImage,
  type MaskTracker,
  openFramesWithVideoIo,
  type PersonDetector,
  runLoomDataPipeline,
  StageProgress,
  type SynthSplit,
  writeSynthSplit,
} from '@videoloom/data';
import { OnnxCharacterDescriber } from './onnx-describer.js';
import { OnnxPersonDetector } from './onnx-person-detector.js';
import { OnnxTextQueryDetector } from './onnx-text-detector.js';
import { loadSam2Tracker } from './sam2-tracker.js';

export const DATA_CLI_USAGE = `Usage: videoloom-data <command> [options]

Commands:
  synth      Write a LoomBench-Synth split: mp4 videos, per-video truth (masks as COCO RLE) and a
             LoomBench v1 ground-truth file. Resumable: rerun to finish a killed run.
             --split train|val|test   (default test)
             --count N                number of videos (default 100)
             --out DIR                output folder (required)

  loomdata   Run the LoomData pipeline (shots, main character, merging, annotation, records,
             LoomBench questions) over a folder of videos. Resumable per video and stage.
             --videos DIR             input folder of videos (required)
             --out DIR                output folder (required)
             --chat-url URL           OpenAI-compatible base URL of the multimodal model (required)
             --chat-model NAME        model name (required)
             --chat-key-env VAR       environment variable holding the API key (default OPENAI_API_KEY)
             --question-model NAME    text model for the LoomBench questions (default: --chat-model)
             --detector PATH          ONNX person detector, prompt-fixed (default: the built-in contrast
                                      detector)
             --text-detector PATH     ONNX text-conditioned detector (OWL-ViT style) that also re-detects
                                      from the description; reads PATH's .detector.json and tokenizer.json
                                      beside it (instead of --detector)
             --describer PATH         ONNX attribute classifier describing the main character; reads
                                      PATH's .labels.json beside it (default: the built-in colour describer)
             --sam2 DIR               SAM2 export folder (sam2-manifest.json, four graphs,
                                      prompt_encoder.safetensors) tracking the main character's box
                                      (default: the built-in colour tracker)
             --device NAME            where the ONNX models run: auto, cpu, cuda (default auto)
             --work-width N           width frames are decoded at for detection and tracking (default 640)
             --concurrency N          videos in flight (default 2)
`;

/** Runs one `videoloom-data` command; returns the process exit code. */
export async function runDataCli(
  argv: readonly string[],
  out: NodeJS.WriteStream = process.stderr,
): Promise<number> {
  const [command, ...rest] = argv;
  if (command === 'synth') {
    const { values } = parseArgs({
      args: [...rest],
      options: {
        split: { type: 'string', default: 'test' },
        count: { type: 'string', default: '100' },
        out: { type: 'string' },
      },
      strict: true,
    });
    const split = values.split as SynthSplit;
    if (!['train', 'val', 'test'].includes(split))
      return usageError(`--split must be train, val or test, received "${values.split}".`);
    const count = Number(values.count);
    if (!Number.isInteger(count) || count < 1)
      return usageError(`--count must be a positive integer, received "${values.count}".`);
    if (!values.out) return usageError('--out is required.');
    let bar: StageProgress | undefined;
    const manifest = await writeSynthSplit({
      split,
      count,
      outDir: path.resolve(values.out),
      onProgress: (event) => {
        if (event.type === 'generate-start') {
          bar = new StageProgress('synth', event.total, out);
          for (let i = 0; i < event.skipped; i++) bar.tick('skipped');
        } else if (event.type === 'generate-progress') bar?.tick('done');
        else bar?.finish();
      },
    });
    out.write(`wrote ${manifest.videos.length} ${split} videos to ${values.out}\n`);
    return 0;
  }
  if (command === 'loomdata') {
    const { values } = parseArgs({
      args: [...rest],
      options: {
        videos: { type: 'string' },
        out: { type: 'string' },
        'chat-url': { type: 'string' },
        'chat-model': { type: 'string' },
        'chat-key-env': { type: 'string', default: 'OPENAI_API_KEY' },
        'question-model': { type: 'string' },
        detector: { type: 'string' },
        'text-detector': { type: 'string' },
        describer: { type: 'string' },
        sam2: { type: 'string' },
        device: { type: 'string' },
        'work-width': { type: 'string' },
        concurrency: { type: 'string', default: '2' },
      },
      strict: true,
    });
    for (const required of ['videos', 'out', 'chat-url', 'chat-model'] as const) {
      if (!values[required]) return usageError(`--${required} is required.`);
    }
    const concurrency = Number(values.concurrency);
    if (!Number.isInteger(concurrency) || concurrency < 1)
      return usageError(`--concurrency must be a positive integer.`);
    if (values.detector && values['text-detector'])
      return usageError('--detector and --text-detector are alternatives: give one.');
    const workWidth = values['work-width'] === undefined ? undefined : Number(values['work-width']);
    if (workWidth !== undefined && (!Number.isInteger(workWidth) || workWidth < 16))
      return usageError(
        `--work-width must be an integer of at least 16, received "${values['work-width']}".`,
      );
    const onnx = values.device ? { device: values.device } : {};
    const apiKey = process.env[values['chat-key-env']!];
    const client = (model: string) =>
      new ChatClient({ baseUrl: values['chat-url']!, model, ...(apiKey ? { apiKey } : {}) });
    const annotationClient = client(values['chat-model']!);
    const releases: (() => Promise<void>)[] = [];
    let summary: Awaited<ReturnType<typeof runLoomDataPipeline>>['summary'];
    try {
      let detector: PersonDetector = new ContrastPersonDetector();
      if (values.detector) detector = await OnnxPersonDetector.load(values.detector, onnx);
      if (values['text-detector']) {
        const text = await OnnxTextQueryDetector.load(values['text-detector'], onnx);
        releases.push(() => text.release());
        detector = text;
      }
      let describer: CharacterDescriber = new ColourDescriber();
      if (values.describer) {
        const onnxDescriber = await OnnxCharacterDescriber.load(values.describer, onnx);
        releases.push(() => onnxDescriber.release());
        describer = onnxDescriber;
      }
      let tracker: MaskTracker = new ColourTracker();
      if (values.sam2) {
        const sam2 = await loadSam2Tracker(path.resolve(values.sam2), onnx);
        releases.push(() => sam2.bridge.stages.release());
        tracker = sam2.tracker;
      }
      ({ summary } = await runLoomDataPipeline({
        inputDir: path.resolve(values.videos!),
        outDir: path.resolve(values.out!),
        concurrency,
        progress: out,
        ...(workWidth ? { config: { workWidth } } : {}),
        models: {
          openFrames: openFramesWithVideoIo(),
          detector,
          describer,
          tracker,
          maskCodec: cocoRleCodec,
          drawOverlays: drawAnnotationOverlays,
          encodeImage: encodeAnnotationImage,
          annotationClient,
          ...(values['question-model'] ? { questionClient: client(values['question-model']) } : {}),
        },
      }));
    } finally {
      for (const release of releases) await release();
    }
    out.write(
      `videos: ${summary.videos.kept} kept, ${summary.videos.discarded.length} discarded, ${summary.videos.failed.length} failed; ` +
        `${summary.segments.total} segments, ${summary.questions.when + summary.questions.where + summary.questions.combined} questions\n`,
    );
    return summary.videos.failed.length > 0 ? 1 : 0;
  }
  process.stdout.write(DATA_CLI_USAGE);
  return command === undefined || command === '--help' ? 0 : 2;

  function usageError(message: string): number {
    out.write(`${message}\n\n${DATA_CLI_USAGE}`);
    return 2;
  }
}
