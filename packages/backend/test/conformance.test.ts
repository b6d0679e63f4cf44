import fs from 'node:fs';
import path from 'node:path';
import { expect, it } from 'vitest';
import {
  describeEachBackend,
  maxAbsError,
  type OpCaseFile,
  opCaseRunsOn,
  runOpCaseOrt,
  runOpCaseTfjs,
} from '../src/testing/index.js';

const opsDir = path.join(import.meta.dirname, 'ops');
const files = fs.readdirSync(opsDir).filter((f) => f.endsWith('.json'));

await describeEachBackend('op conformance', (backend) => {
  for (const file of files) {
    const { cases } = JSON.parse(fs.readFileSync(path.join(opsDir, file), 'utf8')) as OpCaseFile;
    for (const opCase of cases) {
      const runs = opCaseRunsOn(backend.runtime, opCase);
      it.skipIf(!runs)(`${file}: ${opCase.name}${runs ? '' : ' (no ONNX form)'}`, async () => {
        const outcome =
          backend.runtime === 'tfjs' ? runOpCaseTfjs(opCase) : await runOpCaseOrt(opCase, backend.name);
        expect(maxAbsError(outcome, opCase.expected)).toBeLessThanOrEqual(opCase.tolerance ?? 1e-5);
      });
    }
  }
});
