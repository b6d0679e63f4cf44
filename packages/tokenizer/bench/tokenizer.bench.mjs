// Tokenizer throughput: the pure-JS engine (what encode/encodeIds use) against the Rust `tokenizers`
// library through @anush008/tokenizers, on the same ~1 MB generated corpus, in one process.
// Writes <repo>/bench-results/tokenizer.json. Run: pnpm --filter @videoloom/tokenizer bench (after build).
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { internVL3TokenizerDir, loadInternVL3Tokenizer, probeNativeEngine } from '../dist/index.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');

/** ~1 MB of documents mixing what VideoLoom tokenizes: prompts, answers, captions, Chinese, code, emoji. */
function makeCorpus(targetBytes) {
  const words = `the a person woman man child dog horse walks runs picks puts holds turns cuts slices places
    rice bread knife table desk book tower frame video query segment highlight moment saliency score
    slowly quickly carefully then while after before left right hand towel cloth surface`.split(/\s+/);
  const chinese = '视频中的人在桌子上放下了书然后拿起刀切开面包并把米饭放在生鱼片上'.split('');
  const emoji = ['🎉', '👍🏽', '🍣', '👩‍👩‍👧', '❤️'];
  let seed = 12345;
  const rand = (n) => {
    seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
    return Math.floor((seed / 2 ** 32) * n);
  };
  const sentence = () => {
    const n = 6 + rand(14);
    const w = Array.from({ length: n }, () => words[rand(words.length)]);
    w[0] = w[0][0].toUpperCase() + w[0].slice(1);
    return `${w.join(' ')}.`;
  };
  const docs = [];
  let bytes = 0;
  while (bytes < targetBytes) {
    const kind = rand(6);
    let doc;
    if (kind === 0) doc = Array.from({ length: 8 }, sentence).join(' ');
    else if (kind === 1) {
      const a = rand(100);
      doc = Array.from({ length: 5 }, (_, i) => `From ${a + i * 9} to ${a + i * 9 + 8}, ${sentence()}`).join(
        ' ',
      );
    } else if (kind === 2) doc = Array.from({ length: 200 }, () => chinese[rand(chinese.length)]).join('');
    else if (kind === 3)
      doc =
        `function f${rand(100)}(x, y) {\n  const z = x * ${rand(1000)} + y;\n  return [z, "${sentence()}"];\n}\n`.repeat(
          3,
        );
    else if (kind === 4)
      doc = `The highlight frame ids are ${Array.from({ length: 20 }, (_, i) => i + rand(50)).join(', ')}. Their saliency scores are ${Array.from({ length: 20 }, () => (1 + rand(40) / 10).toFixed(1)).join(', ')}.`;
    else doc = `${sentence()} ${emoji[rand(emoji.length)]}   \n\n  ${sentence()}\tIt is [SEG].`;
    docs.push(doc);
    bytes += Buffer.byteLength(doc);
  }
  return { docs, bytes };
}

const { docs, bytes } = makeCorpus(1_000_000);
const tokenizer = loadInternVL3Tokenizer();
const jsRun = () => docs.reduce((n, d) => n + tokenizer.encodeIds(d).length, 0);

const ROUNDS = 5;
const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
const timed = async (fn) => {
  const start = performance.now();
  const tokens = await fn();
  return { tokens, ms: performance.now() - start };
};

jsRun(); // warm-up: JIT and the BPE cache, as in a long-running process
const native = await probeNativeEngine();
let rust;
if (native.available) {
  const rustTokenizer = native.module.Tokenizer.fromString(
    fs.readFileSync(path.join(internVL3TokenizerDir(), 'tokenizer.json'), 'utf8'),
  );
  rust = {
    sequential: async () => {
      let n = 0;
      for (const d of docs)
        n += (await rustTokenizer.encode(d, null, { addSpecialTokens: false })).getIds().length;
      return n;
    },
    batch: async () =>
      (await rustTokenizer.encodeBatch(docs, { addSpecialTokens: false })).reduce(
        (n, e) => n + e.getIds().length,
        0,
      ),
  };
  await rust.sequential();
} else {
  console.log(`rust   : skipped (${native.reason})`);
}

// Interleaved rounds (JS, Rust one at a time, Rust batch): a shared, busy machine slows all three alike
// within a round, so the ratio is taken per round and the median reported.
const rounds = [];
for (let r = 0; r < ROUNDS; r++) {
  const round = { js: await timed(jsRun) };
  if (rust) {
    round.rustSequential = await timed(rust.sequential);
    round.rustBatch = await timed(rust.batch);
    for (const k of ['rustSequential', 'rustBatch']) {
      if (round[k].tokens !== round.js.tokens)
        throw new Error(`token counts differ: js ${round.js.tokens}, ${k} ${round[k].tokens}`);
    }
  }
  rounds.push(round);
}
const tps = (m) => m.tokens / (m.ms / 1000);
const tokens = rounds[0].js.tokens;
const result = {
  corpus: { documents: docs.length, bytes, tokens },
  rounds: ROUNDS,
  js: {
    engine: 'pure JS: @huggingface/tokenizers pipeline + FastBpe merge loop',
    medianTokensPerSecond: median(rounds.map((r) => tps(r.js))),
  },
};
console.log(
  `corpus: ${docs.length} documents, ${(bytes / 1e6).toFixed(2)} MB, ${tokens} tokens; ${ROUNDS} interleaved rounds`,
);
console.log(`js     : ${(result.js.medianTokensPerSecond / 1e6).toFixed(2)} M tokens/s (median)`);
if (rust) {
  result.rust = {
    engine: '@anush008/tokenizers (Rust tokenizers binding)',
    sequentialMedianTokensPerSecond: median(rounds.map((r) => tps(r.rustSequential))),
    batchMedianTokensPerSecond: median(rounds.map((r) => tps(r.rustBatch))),
  };
  result.ratioJsToRustSequential = median(rounds.map((r) => tps(r.js) / tps(r.rustSequential)));
  result.ratioJsToRustBatch = median(rounds.map((r) => tps(r.js) / tps(r.rustBatch)));
  result.perRoundRatioJsToRustSequential = rounds.map((r) => tps(r.js) / tps(r.rustSequential));
  console.log(
    `rust   : ${(result.rust.sequentialMedianTokensPerSecond / 1e6).toFixed(2)} M tokens/s one document at a time (median)`,
  );
  console.log(
    `rust   : ${(result.rust.batchMedianTokensPerSecond / 1e6).toFixed(2)} M tokens/s encodeBatch, all threads (median)`,
  );
  console.log(
    `ratio js/rust (median of per-round ratios): ${result.ratioJsToRustSequential.toFixed(2)}x one at a time, ` +
      `${result.ratioJsToRustBatch.toFixed(2)}x vs batch; goal >= 0.5x. Per round: ` +
      result.perRoundRatioJsToRustSequential.map((x) => x.toFixed(2)).join(', '),
  );
}

fs.mkdirSync(path.join(root, 'bench-results'), { recursive: true });
const out = path.join(root, 'bench-results/tokenizer.json');
fs.writeFileSync(
  `${out}.tmp`,
  `${JSON.stringify({ date: new Date().toISOString(), node: process.version, ...result }, null, 2)}\n`,
);
fs.renameSync(`${out}.tmp`, out);
console.log(`wrote ${path.relative(root, out)}`);
