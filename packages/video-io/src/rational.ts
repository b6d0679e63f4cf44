/** An exact rational number `numerator / denominator` (denominator > 0). Frame rates, time bases, pts. */
export interface Rational {
  readonly numerator: number;
  readonly denominator: number;
}

function gcd(a: number, b: number): number {
  a = Math.abs(a);
  b = Math.abs(b);
  while (b) [a, b] = [b, a % b];
  return a || 1;
}

/** The reduced form of `numerator / denominator` (sign carried by the numerator). */
export function rational(numerator: number, denominator: number): Rational {
  if (denominator < 0) {
    numerator = -numerator;
    denominator = -denominator;
  }
  const g = gcd(numerator, denominator);
  return { numerator: numerator / g, denominator: denominator / g };
}

/** Parses FFmpeg's "30000/1001" (or "25") form. Returns undefined for "0/0" and malformed text. */
export function parseRational(text: string | undefined): Rational | undefined {
  if (!text) return undefined;
  const [n, d = '1'] = text.split('/');
  const numerator = Number(n);
  const denominator = Number(d);
  if (!Number.isInteger(numerator) || !Number.isInteger(denominator) || denominator === 0) return undefined;
  return rational(numerator, denominator);
}

/** `ticks x timeBase` as an exact reduced rational (pts in seconds). Exact while ticks x numerator < 2^53. */
export function ticksToRational(ticks: number, timeBase: Rational): Rational {
  return rational(ticks * timeBase.numerator, timeBase.denominator);
}

export function rationalToNumber(value: Rational): number {
  return value.numerator / value.denominator;
}

export function formatRational(value: Rational): string {
  return `${value.numerator}/${value.denominator}`;
}
