import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { writeSynthSplit } from '@videoloom/data';
import { bundledTinyCheckpointDir } from '@videoloom/llm-core';
import { countOption } from '../count-option.js';
import { runLoomBench } from './run-loombench.js';

export const RUN_USAGE = `Usage: videoloom-eval run [--checkpoint DIR] (--split DIR | --synth-test N) --out DIR [options]
  Runs a VideoLoom checkpoint over a LoomBench split and writes predictions, the Table 4 report
  (When R1@0.5 / tIoU, Where J&F, Combined tIoU / J&F_bi-fore, with the best constant span beside
  the model) and qualitative PNGs. Finished videos are kept in OUT/items/: a rerun resumes.
  --checkpoint DIR      checkpoint folder (default: the tiny model bundled with @videoloom/llm-core)
  --split DIR           a LoomBench split folder (loombench-gt.json + videos)
  --synth-test N        generate the first N videos of LoomBench-Synth's test split into OUT/split and use it
  --max-videos N        evaluate only the first N videos of the split
  --examples N          qualitative examples (default 3)
  --baseline-fit GT     fit the constant-span baseline on this gt file (e.g. a train split's)
  --label NAME          model row label (default VideoLoom)
  --device D            auto | cpu | wasm | gpu | cuda
`;

export async function runRun(
  argv: readonly string[],
  out: (s: string) => void = (s) => process.stdout.write(s),
  err: (s: string) => void = (s) => process.stderr.write(s),
): Promise<number> {
  const { values } = parseArgs({
    args: [...argv],
    options: {
      checkpoint: { type: 'string' },
      split: { type: 'string' },
      'synth-test': { type: 'string' },
      'max-videos': { type: 'string' },
      examples: { type: 'string' },
      'baseline-fit': { type: 'string' },
      label: { type: 'string' },
      device: { type: 'string', default: 'auto' },
      out: { type: 'string' },
      help: { type: 'boolean', default: false },
    },
  });
  if (values.help) {
    out(RUN_USAGE);
    return 0;
  }
  if (!values.out || (!values.split && !values['synth-test'])) {
    out(`run: --out and one of --split / --synth-test are required.\n\n${RUN_USAGE}`);
    return 2;
  }
  let split = values.split;
  const synthCount = countOption('--synth-test', values['synth-test'], 1);
  const maxVideos = countOption('--max-videos', values['max-videos'], 1);
  if (!split && synthCount) {
    split = join(values.out, 'split');
    // Resumable: videos already written are kept.
    await writeSynthSplit({ split: 'test', count: synthCount, outDir: split });
  }
  const outcome = await runLoomBench({
    checkpoint: values.checkpoint ?? bundledTinyCheckpointDir(),
    split: split as string,
    out: values.out,
    ...(maxVideos ? { maxVideos } : {}),
    examples: countOption('--examples', values.examples, 0) ?? 3,
    ...(values['baseline-fit'] ? { baselineFit: values['baseline-fit'] } : {}),
    ...(values.label ? { label: values.label } : {}),
    device: values.device as string,
    onProgress: (message) => err(`${message}\n`),
  });
  out(`${outcome.text}\n`);
  out(
    `wrote ${outcome.files.json}, ${outcome.files.markdown} and ${outcome.files.examples.length} example PNGs\n`,
  );
  return 0;
}
