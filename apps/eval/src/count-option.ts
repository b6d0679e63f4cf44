import { ReportInputError } from './report/report-input-error.js';

/** An integer command-line count `>= min` (e.g. `--examples 3`), or undefined when the option is absent. */
export function countOption(argument: string, text: string | undefined, min: number): number | undefined {
  if (text === undefined) return undefined;
  const n = Number(text);
  if (!Number.isInteger(n) || n < min) {
    throw new ReportInputError(
      argument,
      undefined,
      'not a usable count',
      `an integer >= ${min}`,
      JSON.stringify(text),
    );
  }
  return n;
}
