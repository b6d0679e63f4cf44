import { projectTests } from '../build/vitest-preset';

export default projectTests(import.meta.dirname, { include: ['*.test.ts'] });
