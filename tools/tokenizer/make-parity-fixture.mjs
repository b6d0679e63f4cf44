#!/usr/bin/env node
// Writes packages/tokenizer/test/fixtures/parity.json: for each corpus string, the ids produced by the
// Rust `tokenizers` library (through @anush008/tokenizers) from the shipped InternVL3 tokenizer.json,
// in both special-token modes, and the Rust decode of those ids with and without special tokens.
// The JS engine's tests compare against this file (and live against Rust when it is installed).
//
// Usage: node tools/tokenizer/make-parity-fixture.mjs
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import rust from '@anush008/tokenizers';
import { parityCorpus } from './parity-corpus.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const assetDir = path.join(root, 'packages/tokenizer/assets/internvl3');
const outFile = path.join(root, 'packages/tokenizer/test/fixtures/parity.json');

const jsonText = fs.readFileSync(path.join(assetDir, 'tokenizer.json'), 'utf8');
const tokenizerSha256 = createHash('sha256').update(jsonText).digest('hex');
const parse = rust.Tokenizer.fromString(jsonText);
// "split" mode: the same tokenizer without added tokens, so their strings are plain BPE text.
const split = rust.Tokenizer.fromString(JSON.stringify({ ...JSON.parse(jsonText), added_tokens: [] }));

const cases = [];
for (const text of parityCorpus()) {
  const ids = (await parse.encode(text, null, { addSpecialTokens: false })).getIds();
  const splitIds = (await split.encode(text, null, { addSpecialTokens: false })).getIds();
  cases.push({
    text,
    ids,
    splitIds,
    decoded: ids.length ? await parse.decode(ids, false) : '',
    decodedSkipSpecial: ids.length ? await parse.decode(ids, true) : '',
  });
}
const fixture = {
  generator: 'tools/tokenizer/make-parity-fixture.mjs',
  reference: '@anush008/tokenizers 0.6.0 (Rust tokenizers)',
  tokenizerSha256,
  cases,
};
fs.mkdirSync(path.dirname(outFile), { recursive: true });
fs.writeFileSync(`${outFile}.tmp`, `${JSON.stringify(fixture, null, 1)}\n`);
fs.renameSync(`${outFile}.tmp`, outFile);
console.log(`${cases.length} cases -> ${path.relative(root, outFile)}`);
