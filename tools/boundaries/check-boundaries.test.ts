import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const script = path.join(import.meta.dirname, 'check-boundaries.mjs');
const rules = path.join(import.meta.dirname, 'rules.json');

/** A throwaway workspace with the real project names and one source file per project given. */
function workspace(sources: Record<string, string>): string {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'boundaries-'));
  const names = JSON.parse(fs.readFileSync(rules, 'utf8')).projects as Record<string, { may: unknown }>;
  for (const [name, rule] of Object.entries(names)) {
    const kind = rule.may === 'any-package' ? 'apps' : 'packages';
    const dir = path.join(root, kind, name);
    fs.mkdirSync(path.join(dir, 'src'), { recursive: true });
    fs.writeFileSync(
      path.join(dir, 'package.json'),
      JSON.stringify({
        name: `@videoloom/${name}`,
        exports: { '.': './dist/index.js', './testing': './dist/testing.js' },
      }),
    );
    fs.writeFileSync(path.join(dir, 'src/index.ts'), sources[name] ?? 'export {};\n');
  }
  return root;
}

function run(root: string): { code: number; output: string } {
  const result = spawnSync(process.execPath, [script], {
    env: { ...process.env, BOUNDARIES_ROOT: root, BOUNDARIES_RULES: rules },
    encoding: 'utf8',
  });
  return { code: result.status ?? -1, output: result.stdout + result.stderr };
}

describe('module-boundary check', () => {
  it('passes allowed imports (including type-only ones and ./testing entries)', () => {
    const root = workspace({
      'llm-core':
        "import { tf } from '@videoloom/backend';\nimport type { Frame } from '@videoloom/video-io';\nimport { x } from '@videoloom/backend/testing';\n",
      eval: "import { a } from '@videoloom/metrics';\n",
    });
    expect(run(root)).toMatchObject({ code: 0 });
  });

  it.each([
    ['a package importing an app', { metrics: "import '@videoloom/eval';" }, 'nothing may import an app'],
    [
      'an app importing another app',
      { serve: "import { x } from '@videoloom/train';" },
      'nothing may import an app',
    ],
    [
      'internals of another package',
      { eval: "import { x } from '@videoloom/backend/src/registry.js';" },
      "not in @videoloom/backend's exports map",
    ],
    [
      'a package the table forbids',
      { 'sam2-bridge': "import { x } from '@videoloom/llm-core';" },
      'sam2-bridge must not import @videoloom/llm-core',
    ],
    [
      'a value from a type-only dependency',
      { slowfast: "import { decode } from '@videoloom/video-io';" },
      'only with `import type`',
    ],
    [
      'a relative path out of the project',
      { data: "import { x } from '../../metrics/src/index.js';" },
      'leaves packages/data',
    ],
    [
      'a dynamic import of a forbidden package',
      { tokenizer: "const m = await import('@videoloom/backend');" },
      'tokenizer must not import',
    ],
  ])('fails on %s', (_title, sources, message) => {
    const result = run(workspace(sources));
    expect(result.code).toBe(1);
    expect(result.output).toContain(message);
  });
});
