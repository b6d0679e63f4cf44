import { projectTests } from '../../tools/build/vitest-preset';

export default projectTests(import.meta.dirname);
