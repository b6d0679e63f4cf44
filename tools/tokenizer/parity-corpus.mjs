// The tokenizer parity corpus: hand-written strings covering what VideoLoom's prompts and answers
// contain (English, Chinese, emoji, code, digits, whitespace runs, special tokens inside text), plus
// deterministic combinations of them. Imported by make-parity-fixture.mjs.

const english = [
  'Hello world',
  'The given query happens from 48 to 63.',
  'The given query happens from 0 to 26.',
  'The given query happens from 76 to 93.',
  'From 90 to 102, spread margarine on two slices of white bread in the video.',
  'From 6 to 31, cut the sashimi into small slices. From 32 to 48, place rice on the sashimi.',
  'The highlight frame ids are 41, 42, 43, 44, 45, 46, 47, 48, 49, 50. Their saliency scores are 1.3, 1.7, 1.7, 1.7, 1.7, 1.3, 1.7, 2.3, 2.3, 2.3',
  'There are 11 highlight moments in 56, 57, 58, 59, 60, 61, 62, 63, 64, 65, 66. Their saliency scores are 3.3, 3.3, 3.3.',
  'It is [SEG].',
  'Sure, [SEG].',
  'Sure, it is [SEG].',
  'Sure, the segmentation result is [SEG].',
  '[SEG].',
  'Please segment baby horse moving around.',
  'Where is the woman in black when she rinses the wet cloth thoroughly?',
  "I'm sure it's fine, isn't it? We'll see; they'd've known. YOU'RE RIGHT, I'M HERE.",
  'from 0 to 23: The person is walking steadily forward, holding a black briefcase in his right hand.',
  'from 24 to 41: The person stops walking and sets the briefcase down on the ground.',
  'This sampled frame id is 0',
  'This sampled frame id is 7',
  'This sampled frame id is 26',
  'This sampled frame id is 127',
  'This sampled frame id is 1000',
  'Find the video segment that corresponds to the given textual query a person puts some books onto a desk and determine its start and end frame id.',
  "The output format of the predicted frame ids should be like: 'The given query happens from start frame id to end frame id'.",
  'A man plays with a child, together they build a tower.',
  'e.g., i.e., etc., Mr. Smith, Dr. Who, U.S.A., 3 p.m.',
  'Don\'t "quote" me on that -- or (maybe) [not] {ever}.',
  'supercalifragilisticexpialidocious antidisestablishmentarianism',
  'CamelCaseIdentifier snake_case_identifier kebab-case-identifier SCREAMING_SNAKE',
  'https://example.com/path?query=1&other=two#frag',
  'user@example.org, +1 (555) 123-4567',
  'The quick brown fox jumps over the lazy dog.',
  'a',
  ' ',
  '',
  '.',
  '?!',
  "'",
  "'s",
  "'S",
];
const chinese = [
  '你好，世界！',
  '你是书生·万象，英文名是InternVL，是由上海人工智能实验室、清华大学及多家合作单位联合开发的多模态大语言模型。',
  '视频中的人在第48帧到第63帧之间放下了书。',
  '请分割正在奔跑的小马。',
  '这是一个测试：数字123和English混合。',
  '繁體中文與简体中文',
  '日本語のテキストとカタカナ、ひらがな。',
  '한국어 텍스트입니다.',
  'Ελληνικά και русский текст и العربية و עברית',
  'Ünïcödé àccénts: café, naïve, Zürich, São Paulo, Ångström',
  'ｆｕｌｌｗｉｄｔｈ ＡＢＣ １２３',
  'e\u0301 (decomposed e-acute) and \u00e9 (composed)',
  'Ｈｅｌｌｏ，ｗｏｒｌｄ',
  'ﬁ ligature and Ⅻ roman numeral',
];
const emoji = [
  '🎉',
  '🎉🎉🎉',
  'party 🎉 time',
  '👩‍👩‍👧 family',
  '👍🏽 thumbs up with skin tone',
  '🇨🇳🇺🇸 flags',
  '❤️ heart with variation selector',
  '🧑‍🍳 cooks sushi 🍣',
  '🙂\n🙃',
  'math: ∑ ∫ √ ∞ ≠ ≤ ≥ π',
  '𝔘𝔫𝔦𝔠𝔬𝔡𝔢 𝕕𝕠𝕦𝕓𝕝𝕖-𝕤𝕥𝕣𝕦𝕔𝕜',
];
const code = [
  'function add(a, b) {\n  return a + b;\n}',
  'const x = [1, 2, 3].map((v) => v * 2);',
  'def f(x):\n    return x ** 2  # square\n',
  // biome-ignore lint/suspicious/noTemplateCurlyInString: JavaScript source as corpus text
  'for (let i = 0; i < 10; i++) { console.log(`i=${i}`); }',
  '<div class="box">&nbsp;</div>',
  'SELECT id, name FROM users WHERE age >= 18 ORDER BY name;',
  '{"key": "value", "list": [1, 2.5, -3e10, null, true]}',
  'if (a != b && c == d || !e) { return; }',
  '#include <stdio.h>\nint main(void) { printf("%d\\n", 42); }',
  'x = y ?? z; a ||= b; c &&= d; e >>>= 1;',
  '\tindented with a tab\n\t\tand two',
  'git commit -m "fix: off-by-one in frame ids"',
  'path/to/file.ts:12:34 - error TS2322',
  'C:\\Users\\name\\file.txt',
];
const digits = [
  'from 48 to 63',
  '0',
  '7',
  '12',
  '123',
  '1234567890',
  '3.14159',
  '-42',
  '+7',
  '1,000,000',
  '1e-5',
  '0x1F',
  '48-63',
  '48 - 63',
  '48.0 to 63.5',
  'frame 48,frame 63',
  '2024-11-24T12:34:56Z',
  '12:30pm',
  '100%',
  '$9.99',
  '½ ¾ ² ³ ١٢٣ ४५६',
];
const whitespace = [
  'two  spaces',
  'three   spaces',
  'trailing space ',
  ' leading space',
  '    four leading',
  'tabs\t\tbetween',
  'line\nbreak',
  'two\n\nbreaks',
  'crlf\r\nline',
  'mixed \t \n \r\n end',
  '\n\n\n',
  '   ',
  'a \n b',
  'end with newline\n',
  'spaces before newline   \nnext',
  '\u00a0non-breaking\u00a0spaces',
  '\u3000ideographic space',
  'zero\u200bwidth',
];
const special = [
  '<img><IMG_CONTEXT><IMG_CONTEXT></img>',
  '<img></img>',
  'text<img>more</img>text',
  ' <img> spaced </img> ',
  '[SEG]',
  '[SEG][SEG][SEG]',
  'a[SEG]b',
  'It is [SEG]. And this is [SEG].',
  '<|im_start|>user\nhello<|im_end|>\n<|im_start|>assistant\n',
  '<|im_start|>system\nYou are helpful.<|im_end|>',
  '<|endoftext|>',
  '<ref>the dog</ref><box>[[1, 2, 3, 4]]</box>',
  '<quad>x</quad>',
  '<tool_call>\n{"name": "f"}\n</tool_call>',
  '<|fim_prefix|>def<|fim_suffix|>pass<|fim_middle|>',
  '<|vision_start|><|image_pad|><|vision_end|>',
  '<IMG_CONTEXT>',
  '<img',
  'img>',
  '<IMG_CONTEX>',
  '[SEG',
  'SEG]',
  '[seg]',
  '<IMG_CONTEXT >',
  '<think>reasoning</think>',
  '<tool_response>ok</tool_response>',
  '<|im_end|><|im_end|>',
  '<img>\n</img>This sampled frame id is 3\n',
];

function lcg(seed) {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

/** Returns the corpus (deterministic). */
export function parityCorpus() {
  const base = [...english, ...chinese, ...emoji, ...code, ...digits, ...whitespace, ...special];
  const combos = [];
  const rand = lcg(20251124);
  const pick = () => base[Math.floor(rand() * base.length)];
  const joins = [' ', '', '\n', '  ', '\t', ' [SEG] ', '<img><IMG_CONTEXT></img>', '. '];
  while (combos.length < 150) {
    const parts = [pick(), pick(), pick()].slice(0, 2 + Math.floor(rand() * 2));
    const join = joins[Math.floor(rand() * joins.length)];
    combos.push(parts.join(join));
  }
  // Layout-like sequences: frame-id texts after image blocks, as the SlowFast prompt writes them.
  for (const id of [0, 1, 9, 10, 63, 99, 100, 127]) {
    combos.push(`<img>${'<IMG_CONTEXT>'.repeat(16)}</img>This sampled frame id is ${id}\n`);
  }
  return [...base, ...combos];
}
