import { MetricsError, markerCheck } from '../errors/metrics-error.js';

const marker = Symbol.for('videoloom.error.UnsupportedCaptionError');

/**
 * A caption contains a construct whose Stanford PTBTokenizer (CoreNLP 3.4.1) output this emulation does not
 * reproduce with certainty (abbreviations, "a.m.", "gonna", URLs, characters outside the supported set …).
 * Scores that need tokens (CIDEr, METEOR, SODA_c) are then reported unavailable rather than approximated.
 */
export class UnsupportedCaptionError extends MetricsError {
  readonly [marker] = true;
  readonly name = 'VL_UnsupportedCaptionError' as const;
  static readonly isInstance = markerCheck<UnsupportedCaptionError>(marker);

  constructor(
    readonly caption: string,
    readonly construct: string,
  ) {
    super(
      `Caption ${JSON.stringify(caption.slice(0, 120))}: the PTB tokenizer emulation does not support ${construct}; ` +
        'rephrase the caption or score with the official Java tokenizer.',
    );
  }
}

/** The tokens the official `ptbtokenizer.py` wrapper drops after tokenizing (upper-case, as in the wrapper). */
export const PTB_DROPPED_TOKENS: ReadonlySet<string> = new Set([
  "''",
  "'",
  '``',
  '`',
  '-LRB-',
  '-RRB-',
  '-LCB-',
  '-RCB-',
  '.',
  '?',
  '!',
  ',',
  ':',
  '-',
  '--',
  '...',
  ';',
]);

// Characters the emulation knows how CoreNLP tokenizes.
const SUPPORTED = /^[\p{L}\p{N} \t\u00a0.,;:!?'"`\-/()%&\u2018\u2019\u201c\u201d\u2013\u2014[\]{}]*$/u;
const REFUSED: readonly [RegExp, string][] = [
  [/[\p{L}]\.[\p{L}]/u, 'letter.letter abbreviations such as "a.m."'],
  [/(^|[^\p{L}\p{N}])\p{L}\.(?=\s|$)/u, 'a single letter followed by "."'],
  // CoreNLP keeps the period of words in its abbreviation lists (case-sensitive, mostly capitalised):
  // refuse those lower-case entries and any short capitalised word before a period.
  [
    /(^|[^\p{L}])(vs|cf|ca|figs?|prop|nos?|art|bldg|pp|op|tel|est|ext|sq|ft|al|eg|ie)\.(?!\S*\p{L})/u,
    'an abbreviation followed by "."',
  ],
  [
    /(^|[^\p{L}])\p{Lu}\p{L}{0,5}\.(?!\S*\p{L})/u,
    'a short capitalised word followed by "." (possible abbreviation)',
  ],
  [/\d\.\d*\p{L}|\p{L}\d*\.\d/u, 'decimals glued to letters'],
  [/\d-\d+\.\d|\d+\.\d+-\d/u, 'ranges with decimals such as "2-2.5"'],
  [/(^|\s):\d/u, 'times such as ":30"'],
  [/\d:\d/u, 'clock times such as "10:30"'],
  [/\d \d{3}\b|\(\d{3}\)|\d{3}-\d{4}/u, 'phone-like digit groups'],
  [/(^|\s)[:;=][-o^]?[)(\][dDpP/\\|](?=\s|$)|<3/u, 'smileys'],
  [/\p{L}&\p{L}/u, '"&" between letters'],
  [/\b(gonna|gotta|wanna|lemme|gimme|dunno|cannot\S|'tis|'twas|d'ye|more'n)\b/iu, '"gonna"-type words'],
  [/\bok!/iu, '"ok!"'],
  [/https?:|www\.|\.com\b/iu, 'URLs'],
  [/&\w+;/u, 'HTML entities'],
  [/0x[0-9a-f]/iu, 'hexadecimal numbers'],
  [/(?<!\.)\.\.(?!\.)/u, 'two consecutive periods'],
  [/[\u2013\u2014]/u, 'en/em dashes'],
  [/[[\]{}]/u, 'brackets or braces'],
  [/\r|\u2028|\u2029|\u0085/u, 'line separators other than "\\n"'],
];

const CLITIC = /^(.*?\p{L})('s|'re|'ve|'ll|'d|'m)$/iu;
const NT = /^(.*\p{L})(n't)$/iu;

/** A word-internal apostrophe is only emulated for the clitics 's 're 've 'll 'd 'm and n't. */
function checkApostrophes(caption: string): void {
  for (const m of caption.matchAll(/[\p{L}\p{N}]+(?:'[\p{L}\p{N}]+)+/gu)) {
    const w = m[0];
    if (!CLITIC.test(w) && !NT.test(w))
      throw new UnsupportedCaptionError(caption, `the apostrophe in "${w}"`);
  }
}

/**
 * Tokenizes one caption as `java edu.stanford.nlp.process.PTBTokenizer -preserveLines -lowerCase` followed by
 * the official wrapper's punctuation filter, and returns the space-joined tokens (what CIDEr/METEOR read).
 * Throws {@link UnsupportedCaptionError} for constructs it does not emulate.
 */
export function ptbTokenize(caption: string): string {
  const text = caption.replace(/\n/g, ' ').replace(/[\u2018\u2019]/g, "'");
  if (!SUPPORTED.test(text)) {
    const bad = [...text].find((c) => !SUPPORTED.test(c));
    throw new UnsupportedCaptionError(caption, `the character ${JSON.stringify(bad)}`);
  }
  for (const [re, what] of REFUSED) {
    if (re.test(text)) throw new UnsupportedCaptionError(caption, what);
  }
  checkApostrophes(text.replace(/[\u2018\u2019]/g, "'"));
  const out: string[] = [];
  // -lowerCase happens inside the tokenizer, the wrapper's drop list is upper-case: "-lrb-" survives.
  const push = (tok: string): void => {
    const lower = tok.toLowerCase();
    if (!PTB_DROPPED_TOKENS.has(lower)) out.push(lower);
  };
  // Order matters: longer / more specific alternatives first (the lexer takes the longest match).
  const TOKEN =
    /(\d+(?:\u00a0| )\d+\/\d+(?![\p{L}\p{N}]))|(\d{1,3}(?:,\d{3})+(?:\.\d+)?(?![\p{L}\p{N}]))|(\d+\.\d+|\.\d+)|([\p{L}\p{N}]+(?:[-/][\p{L}\p{N}]+)*(?:'[\p{L}]+)?)|(\.{3,})|(-+)|([!?]+)|(["\u201c\u201d`])|(')|([(])|([)])|([.,;:%&])|(\s+)/uy;
  let pos = 0;
  while (pos < text.length) {
    TOKEN.lastIndex = pos;
    const m = TOKEN.exec(text);
    if (m === null)
      throw new UnsupportedCaptionError(caption, `the text at ${JSON.stringify(text.slice(pos, pos + 10))}`);
    pos = TOKEN.lastIndex;
    const [
      all,
      mixedFraction,
      grouped,
      decimal,
      word,
      dots,
      dashes,
      bangs,
      dquote,
      squote,
      lparen,
      rparen,
      punct,
    ] = m;
    if (mixedFraction !== undefined) {
      // "1 1/2" is one token with a no-break space; CIDEr's split() then splits it in two.
      const [whole, frac] = mixedFraction.split(/[\u00a0 ]/u) as [string, string];
      push(`${whole}\u00a0${frac.replace(/\//g, '\\/')}`);
    } else if (grouped !== undefined || decimal !== undefined) {
      push(all);
    } else if (word !== undefined) {
      let w = word.replace(/\//g, '\\/');
      if (/^cannot$/i.test(w)) {
        push(w.slice(0, 3));
        push(w.slice(3));
        continue;
      }
      const c = CLITIC.exec(w);
      if (c) {
        push(c[1] as string);
        push(c[2] as string);
        continue;
      }
      const nt = NT.exec(w);
      if (nt) {
        push(nt[1] as string);
        push(nt[2] as string);
        continue;
      }
      // "etc." keeps its period (PTB abbreviation list)
      if (/^etc$/i.test(w) && text[pos] === '.') {
        w += '.';
        pos += 1;
      }
      push(w);
    } else if (dots !== undefined) {
      push(dots === '...' ? '...' : dots);
    } else if (dashes !== undefined) {
      // CoreNLP: "-" and "--" as is; "---" normalises to "--"; longer runs survive
      push(dashes.length === 3 ? '--' : dashes);
    } else if (bangs !== undefined) {
      push(bangs);
    } else if (dquote !== undefined || squote !== undefined) {
      // quotes become `` '' ` ' and are all dropped by the wrapper
    } else if (lparen !== undefined) {
      push('-LRB-'.toLowerCase());
    } else if (rparen !== undefined) {
      push('-RRB-'.toLowerCase());
    } else if (punct !== undefined) {
      push(punct);
    }
  }
  return out.join(' ');
}
