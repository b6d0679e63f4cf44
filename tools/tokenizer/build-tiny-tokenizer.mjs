#!/usr/bin/env node
// Builds the tiny VideoLoom tokenizer (@videoloom/tokenizer assets/videoloom-tiny/): a byte-level BPE
// with Qwen2's normalizer / pre-tokenizer / decoder structure, so the same engines run it, and a
// vocabulary of about a thousand tokens made for the synthetic benchmark (LoomBench-Synth):
//
// - the 256 byte-level symbols, ids 0..255 in Qwen's order (GPT-2's bytes_to_unicode: `Ġ` = 220), so
//   any text still round-trips;
// - merges that make every word of the synthetic world's text one token, alone and with its leading
//   space (`circle`, `Ġcircle`). The words are read from the code that writes that text, run through
//   tsx (nothing is copied by hand): the questions of `generateQuestions` and the question templates
//   (packages/data/src/synth/questions.ts), `ACTION_PHRASES`, the appearance words, `describeSegment`,
//   the answer renderers of packages/slowfast/src/answers (temporal grounding, dense captions,
//   segmentation, highlights, annotation), the frame-id text of the SlowFast layout and the chat
//   template (packages/tokenizer/src/chat);
// - whole numbers 0..255 as one token each, alone and with a leading space (`48`, `Ġ48`), and the
//   two-digit decimal parts 00..09 (10..99 are numbers already: `1.05` = `1`, `.`, `05`). For that, and only that, the pre-tokenizer
//   regex differs from Qwen's: its digit alternative `\p{N}` (one digit per piece) becomes ` ?\p{N}+`;
//   everything else is copied from the InternVL3 tokenizer.json this package ships;
// - the added tokens VideoLoom's prompts and answers use (VIDEOLOOM_TOKENS in special-tokens.ts):
//   `<|endoftext|> <|im_start|> <|im_end|> <img> </img> <IMG_CONTEXT> [SEG]`, after the regular tokens.
//
// Merges are learned by simulation: targets are visited in a fixed order; each is encoded with the
// merges so far, and when it is still several tokens, merges joining those tokens are appended. A
// merge appended later never changes how an earlier target encodes (BPE applies lower ranks first),
// so at the end every target is one token; the script checks it with its own BPE, and the package's
// tests check it with the real engines (JS and Rust).
//
// Also writes the test corpus (packages/tokenizer/test/fixtures/tiny-corpus.json): the words, and
// every question and answer the synthetic world writes for the first CORPUS_SEEDS videos.
//
// Deterministic: same sources -> byte-identical files (the package's tests regenerate into a temp
// folder and compare). Writes atomically.
//
// Usage: node tools/tokenizer/build-tiny-tokenizer.mjs [--out DIR] [--corpus FILE]
//   (defaults: packages/tokenizer/assets/videoloom-tiny, packages/tokenizer/test/fixtures/tiny-corpus.json)
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { tsImport } from 'tsx/esm/api';

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, '../..');
const { values: args } = parseArgs({
  options: { out: { type: 'string' }, corpus: { type: 'string' } },
});
const outDir = path.resolve(args.out ?? path.join(root, 'packages/tokenizer/assets/videoloom-tiny'));
const corpusFile = path.resolve(
  args.corpus ?? path.join(root, 'packages/tokenizer/test/fixtures/tiny-corpus.json'),
);

/** Videos of LoomBench-Synth whose questions and answers make the corpus (seeds 0..CORPUS_SEEDS-1). */
const CORPUS_SEEDS = 16;
/** Numbers that are one token each, with and without a leading space. */
const MAX_NUMBER = 255;
/** Answer words VideoLoom-style checkpoints write that no renderer here does ("Sure, [SEG]."). */
const EXTRA_WORDS = ['Sure'];
/** Pieces of punctuation and line breaks that the prompts and answers contain, as single tokens. */
const EXTRA_PIECES = ['\n\n', '.\n', '.\n\n', '?\n'];
/** Added tokens: Qwen's text delimiters, InternVL's image tokens, VideoLoom's [SEG] (all special). */
const ADDED_TOKENS = [
  '<|endoftext|>',
  '<|im_start|>',
  '<|im_end|>',
  '<img>',
  '</img>',
  '<IMG_CONTEXT>',
  '[SEG]',
];
/** Qwen2's digit alternative and the one that replaces it. */
const QWEN_DIGITS = '|\\p{N}|';
const WHOLE_NUMBERS = '| ?\\p{N}+|';

// --- the synthetic world's text, from its own code --------------------------------------------------
const load = (rel) => tsImport(pathToFileURL(path.join(root, rel)).href, import.meta.url);
const { generateScenario, describeSegment } = await load('packages/data/src/synth/scenario.ts');
const { generateQuestions } = await load('packages/data/src/synth/questions.ts');
const { ACTION_PHRASES } = await load('packages/data/src/synth/actions.ts');
const appearance = await load('packages/data/src/synth/appearance.ts');
const answers = await load('packages/slowfast/src/answers/index.ts');
const { DEFAULT_FRAME_ID_TEXT } = await load('packages/slowfast/src/layout/layout-config.ts');
const chat = await load('packages/tokenizer/src/chat/chat-template.ts');
const taskPrompts = await load('packages/llm-core/src/pipeline/task-prompts.ts');

/** The question templates are not exported: read the string literals of `const *_TEMPLATES = [...]`. */
function questionTemplates() {
  const file = path.join(root, 'packages/data/src/synth/questions.ts');
  const source = fs.readFileSync(file, 'utf8');
  const blocks = [...source.matchAll(/const (\w+_TEMPLATES) = \[([\s\S]*?)\] as const/g)];
  const templates = blocks.flatMap((b) => [...b[2].matchAll(/'((?:[^'\\]|\\.)*)'/g)].map((m) => m[1]));
  if (blocks.length < 3 || templates.length < 3) {
    throw new Error(
      `${file}: found ${blocks.length} *_TEMPLATES arrays; the generator's reader needs updating`,
    );
  }
  return templates;
}

const templates = questionTemplates();
const phrases = Object.values(ACTION_PHRASES).flat();

/** 1, 1.7, 2.4, ...: saliency scores (one decimal) as highlight answers write them. */
const saliency = (k) => (10 + ((k * 7) % 40)) / 10;

const corpus = [];
/** Each question with its video's main-character description (the `{who}` of the templates). */
const questionsWithWho = [];
for (let seed = 0; seed < CORPUS_SEEDS; seed++) {
  const scenario = generateScenario(seed);
  const segments = scenario.shots.flatMap((shot) => shot.mainSegments);
  const questions = generateQuestions(scenario).map((q) => q.question);
  const span = (s) => ({ startFrameId: s.startFrame, endFrameId: s.endFrame - 1 });
  const caption = (s) => describeSegment(scenario, s).replace(/\.$/, '');
  corpus.push(...questions);
  questionsWithWho.push(...questions.map((text) => ({ text, who: scenario.mainDescription })));
  corpus.push(...segments.map((s) => describeSegment(scenario, s)));
  corpus.push(...segments.map((s) => answers.renderTemporalGrounding(span(s))));
  corpus.push(answers.renderDenseCaptions(segments.map((s) => ({ ...span(s), description: caption(s) }))));
  for (const shot of scenario.shots) {
    if (shot.mainSegments.length === 0) continue;
    corpus.push(
      answers.renderAnnotation(
        shot.mainSegments.map((s) => ({
          startFrameId: s.startFrame - shot.startFrame,
          endFrameId: s.endFrame - 1 - shot.startFrame,
          description: describeSegment(scenario, s),
        })),
      ),
    );
  }
  const first = segments[0];
  const frames = Array.from({ length: Math.min(6, first.endFrame - first.startFrame) }, (_, k) => ({
    frameId: first.startFrame + k,
    saliency: saliency(seed + k),
  }));
  corpus.push(answers.renderHighlights(frames));
  corpus.push(answers.renderSegmentationAnswer(1 + (seed % 3)));
  corpus.push(
    chat.renderChat([
      { role: 'user', content: questions[0] },
      { role: 'assistant', content: answers.renderTemporalGrounding(span(first)) },
    ]).text,
  );
}
for (let id = 0; id <= MAX_NUMBER; id++)
  corpus.push(DEFAULT_FRAME_ID_TEXT.replaceAll('{frameId}', String(id)));
corpus.push('Sure, [SEG].', chat.systemPrefix({ name: 'internvl2_5', systemText: '' }));
// The task instructions a checkpoint wraps questions in (llm-core's TaskPrompts presets).
for (const preset of [taskPrompts.COMPACT_TASK_PROMPTS]) {
  for (const template of Object.values(preset)) {
    corpus.push(
      taskPrompts.fillTaskPrompt(template, { question: 'When does it jump?', who: 'small red circle' }),
    );
  }
}

// Every template and every phrase (in both verb forms) must occur, or the corpus misses a sentence kind.
const escapeRegExp = (text) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
const doForms = new Set();
for (const template of templates) {
  const [before, after] = template.split('{who}');
  const slot = (text) =>
    escapeRegExp(text).replace(/\\\{(\w+)\\\}/g, (_, k) => (k === 'who' ? '' : `(?<${k}>.+?)`));
  const matches = questionsWithWho
    .map(({ text, who }) =>
      new RegExp(`^${slot(before)}${escapeRegExp(who)}${slot(after ?? '')}$`, 'u').exec(text),
    )
    .filter(Boolean);
  if (matches.length === 0) {
    throw new Error(`No question of seeds 0..${CORPUS_SEEDS - 1} uses "${template}": raise CORPUS_SEEDS`);
  }
  for (const m of matches) if (m.groups.do) doForms.add(m.groups.do);
}
for (const phrase of phrases) {
  if (!corpus.some((text) => text.includes(` ${phrase}`))) {
    throw new Error(`No text of seeds 0..${CORPUS_SEEDS - 1} has "${phrase}": raise CORPUS_SEEDS`);
  }
}
if (doForms.size !== phrases.length) {
  throw new Error(
    `Only ${doForms.size} of ${phrases.length} base verb forms ({do}) occur: raise CORPUS_SEEDS`,
  );
}

// --- words ------------------------------------------------------------------------------------------
const wordsOf = (text) => text.replace(/\{\w+\}/g, ' ').match(/\p{L}+/gu) ?? [];
const wordSet = new Set([
  ...corpus.flatMap((text) => wordsOf(text.replaceAll(/<\|?\w+\|?>|\[SEG\]|<\/?\w+>/g, ' '))),
  ...templates.flatMap(wordsOf),
  ...phrases.flatMap(wordsOf),
  ...Object.keys(appearance.CHARACTER_COLORS),
  ...appearance.CHARACTER_SHAPES,
  ...appearance.CHARACTER_PATTERNS,
  ...Object.keys(appearance.CHARACTER_SIZES),
  ...EXTRA_WORDS,
]);
for (const w of [...wordSet]) wordSet.add(w.toLowerCase());
const byLengthThenText = (a, b) => a.length - b.length || (a < b ? -1 : a > b ? 1 : 0);
const words = [...wordSet].sort(byLengthThenText);

// --- byte-level BPE ---------------------------------------------------------------------------------
/** GPT-2's bytes_to_unicode, in Qwen's id order: printable bytes first, then the rest at U+0100.. */
const BYTE_SYMBOLS = (() => {
  const printable = [];
  for (let b = 0; b < 256; b++)
    if ((b >= 0x21 && b <= 0x7e) || (b >= 0xa1 && b <= 0xac) || b >= 0xae) printable.push(b);
  const symbolOf = new Array(256);
  let extra = 0;
  for (let b = 0; b < 256; b++)
    symbolOf[b] = printable.includes(b) ? String.fromCharCode(b) : String.fromCharCode(256 + extra++);
  const order = [...printable, ...[...Array(256).keys()].filter((b) => !printable.includes(b))];
  return { symbolOf, order };
})();
const utf8 = new TextEncoder();
const toByteLevel = (text) => Array.from(utf8.encode(text), (b) => BYTE_SYMBOLS.symbolOf[b]).join('');

const vocab = new Map(); // token -> id
const merges = []; // [left, right] in rank order
const mergeRank = new Map(); // "left right" -> rank (byte-level symbols never contain a space)
for (const b of BYTE_SYMBOLS.order) vocab.set(BYTE_SYMBOLS.symbolOf[b], vocab.size);

/** Standard BPE: merge the adjacent pair of lowest rank (leftmost on a tie) until none applies. */
function bpe(symbols) {
  const parts = [...symbols];
  for (;;) {
    let best = -1;
    let bestRank = Number.POSITIVE_INFINITY;
    for (let i = 0; i + 1 < parts.length; i++) {
      const rank = mergeRank.get(`${parts[i]} ${parts[i + 1]}`);
      if (rank !== undefined && rank < bestRank) {
        bestRank = rank;
        best = i;
      }
    }
    if (best < 0) return parts;
    parts.splice(best, 2, parts[best] + parts[best + 1]);
  }
}

function addMerge(left, right) {
  const key = `${left} ${right}`;
  if (mergeRank.has(key)) return;
  mergeRank.set(key, merges.length);
  merges.push([left, right]);
  if (!vocab.has(left + right)) vocab.set(left + right, vocab.size);
}

/** Makes `text` (one pre-tokenizer piece) a single token: joins what BPE leaves of it, right to left. */
function makeToken(text) {
  const parts = bpe(toByteLevel(text));
  // Right to left: the suffixes made here (`ward`, `es`) are the parts other words share most.
  let right = parts.pop();
  while (parts.length > 0) {
    const left = parts.pop();
    addMerge(left, right);
    right = left + right;
  }
}

const numbers = Array.from({ length: MAX_NUMBER + 1 }, (_, n) => String(n));
const decimals = Array.from({ length: 10 }, (_, n) => `0${n}`);
const targets = [
  ...decimals,
  ...numbers,
  ...numbers.map((n) => ` ${n}`),
  ...words,
  ...words.map((w) => ` ${w}`),
  ...EXTRA_PIECES,
];
for (const t of targets) makeToken(t);
for (const t of targets) {
  const parts = bpe(toByteLevel(t));
  if (parts.length !== 1) throw new Error(`${JSON.stringify(t)} encodes as ${parts.length} tokens`);
}

// --- files ------------------------------------------------------------------------------------------
const internvl3 = JSON.parse(
  fs.readFileSync(path.join(root, 'packages/tokenizer/assets/internvl3/tokenizer.json'), 'utf8'),
);
const preTokenizer = structuredClone(internvl3.pre_tokenizer);
const split = preTokenizer.pretokenizers?.find((p) => p.type === 'Split');
if (split?.pattern.Regex.split(QWEN_DIGITS).length !== 2) {
  throw new Error(`The InternVL3 pre-tokenizer has no single ${QWEN_DIGITS} alternative to replace`);
}
split.pattern.Regex = split.pattern.Regex.replace(QWEN_DIGITS, WHOLE_NUMBERS);

const addedToken = (id, content) => ({
  id,
  content,
  single_word: false,
  lstrip: false,
  rstrip: false,
  normalized: false,
  special: true,
});
const added_tokens = ADDED_TOKENS.map((content, i) => addedToken(vocab.size + i, content));
const tokenizer = {
  version: internvl3.version,
  truncation: null,
  padding: null,
  added_tokens,
  normalizer: internvl3.normalizer,
  pre_tokenizer: preTokenizer,
  post_processor: internvl3.post_processor,
  decoder: internvl3.decoder,
  model: {
    ...internvl3.model,
    vocab: Object.fromEntries(vocab),
    merges,
  },
};
const tokenizerConfig = {
  add_bos_token: false,
  add_prefix_space: false,
  added_tokens_decoder: Object.fromEntries(
    added_tokens.map((t) => [
      String(t.id),
      {
        content: t.content,
        lstrip: t.lstrip,
        normalized: t.normalized,
        rstrip: t.rstrip,
        single_word: t.single_word,
        special: t.special,
      },
    ]),
  ),
  additional_special_tokens: ADDED_TOKENS.filter((t) => t !== '<|endoftext|>'),
  bos_token: null,
  clean_up_tokenization_spaces: false,
  eos_token: '<|im_end|>',
  errors: 'replace',
  model_max_length: 8192,
  pad_token: '<|endoftext|>',
  split_special_tokens: false,
  tokenizer_class: 'Qwen2Tokenizer',
  unk_token: null,
};

/** Pretty JSON with each merge `["a", "b"]` and each short string array on one line. */
function prettyJson(value) {
  return `${JSON.stringify(value, null, 2).replace(
    /\[\n\s+("(?:[^"\\]|\\.)*"),\n\s+("(?:[^"\\]|\\.)*")\n\s+\]/g,
    '[$1, $2]',
  )}\n`;
}

function writeAtomic(file, text) {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const tmp = `${file}.tmp-${process.pid}`;
  fs.writeFileSync(tmp, text);
  fs.renameSync(tmp, file); // a reader never sees half a file
}

const outputs = {
  'tokenizer.json': prettyJson(tokenizer),
  'tokenizer_config.json': `${JSON.stringify(tokenizerConfig, null, 2)}\n`,
};
const sums = [];
for (const [name, text] of Object.entries(outputs)) {
  writeAtomic(path.join(outDir, name), text);
  const sha = createHash('sha256').update(text).digest('hex');
  sums.push(`${sha}  ${name}`);
  console.log(`${name}: ${Buffer.byteLength(text)} bytes, sha256 ${sha}`);
}
writeAtomic(path.join(outDir, 'SHA256SUMS'), `${sums.join('\n')}\n`);

const uniqueCorpus = [...new Set(corpus)];
writeAtomic(
  corpusFile,
  `${JSON.stringify({ seeds: CORPUS_SEEDS, maxNumber: MAX_NUMBER, words, texts: uniqueCorpus }, null, 1)}\n`,
);
console.log(
  `${vocab.size} regular tokens (256 bytes + ${merges.length} merges), ${added_tokens.length} added tokens ` +
    `(${vocab.size}..${vocab.size + added_tokens.length - 1}); ${words.length} words; ` +
    `corpus: ${uniqueCorpus.length} texts -> ${path.relative(root, corpusFile)}`,
);
