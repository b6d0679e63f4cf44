import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { NODE_BUILTIN_STUB_MARKER } from '../tsup.config.js';

const WEB = path.resolve(import.meta.dirname, '../dist/web');

describe('the built page', () => {
  it('is one self-contained browser module with the metrics RLE decoder inside and no Node built-in', () => {
    const file = path.join(WEB, 'app.js');
    if (!existsSync(file)) throw new Error(`${file} is missing: run \`nx run serve:build\` first`);
    const app = readFileSync(file, 'utf8');
    expect(app).not.toContain(NODE_BUILTIN_STUB_MARKER);
    expect(app).not.toMatch(/^\s*import\s/m);
    expect(app).not.toMatch(/\brequire\(/);
    // @videoloom/metrics' codec (pycocotools rleFrString + column-major decode), bundled, not re-written.
    expect(app).toContain('function stringToRunLengths(');
    expect(app).toContain('function decodeRle(');
    expect(app).toMatch(/packages\/metrics\/dist\/index\.js/);
  });

  it('ships the HTML and CSS the module expects', () => {
    const html = readFileSync(path.join(WEB, 'index.html'), 'utf8');
    expect(html).toContain('<script type="module" src="app.js"></script>');
    expect(html).toContain('href="style.css"');
    expect(existsSync(path.join(WEB, 'style.css'))).toBe(true);
    for (const id of [
      'video',
      'mask',
      'file',
      'question',
      'ask',
      'answer',
      'timeline',
      'timeline-span',
      'error',
    ]) {
      expect(html).toContain(`id="${id}"`);
    }
  });
});
