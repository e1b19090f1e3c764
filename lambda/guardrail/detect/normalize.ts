/**
 * Normalization before detection, with an offset map back to the original text.
 *
 * 1. {@link baseView}: per code point, drops what cannot be seen (format, control and tag characters,
 *    zero-width and soft-hyphen characters, variation selectors, combining marks over letters), applies
 *    NFKC (full-width and mathematical letters, ligatures, compatibility digits), turns every Unicode
 *    decimal digit into its ASCII digit, dashes into `-`, spaces into ` ` and typographic quotes into ASCII
 *    ones, then folds look-alike letters (Cyrillic, Greek, IPA, small capitals ...) to their Latin skeleton
 *    with the `confusables` table — but only inside words that mix scripts, or whole words of look-alikes
 *    standing next to Latin words, so Russian or Greek text stays Russian or Greek. Case is kept. PII and
 *    secret detectors run on this view.
 * 2. {@link wordsView}: from the base view, lower case, leetspeak folded inside words (`1gn0r3`), every run of
 *    punctuation, underscores and spacing collapsed to one space, apostrophes removed, and letter-spaced
 *    words (`i g n o r e`, `i.g.n.o.r.e`) joined. Prompt-injection phrases are matched on this view.
 *
 * Every step is one linear pass; per-code-point results are memoized, so the cost is a table lookup per
 * character after the first occurrence of a character.
 */
import { confusablesMap } from 'confusables';
import { identityView, TextView, ViewBuilder } from './text-view';

// --- per code point ------------------------------------------------------------------------------------

const INVISIBLE = /^[\p{Cf}\p{Cc}\u034f\u115f\u1160\u17b4\u17b5\u180b-\u180f\u2800\u3164\ufe00-\ufe0f\uffa0\u{e0100}-\u{e01ef}]$/u;
const COMBINING = /[\u0300-\u036f\u0483-\u0489\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f]/gu;
const DECIMAL_DIGIT = /^\p{Nd}$/u;
const SPACE = /^[\p{Zs}]$/u;
const DASH = /^[\p{Pd}\u2212\u2043\ufe63\uff0d]$/u;
const LETTER = /^\p{L}$/u;

/** Latin letters without a decomposition, spelled the way people type them without the key. */
const LATIN_EXTRA: { readonly [c: string]: string } = {
  'ß': 'ss', 'ẞ': 'SS', 'æ': 'ae', 'Æ': 'AE', 'œ': 'oe', 'Œ': 'OE', 'ø': 'o', 'Ø': 'O', 'ł': 'l', 'Ł': 'L',
  'đ': 'd', 'Đ': 'D', 'ð': 'd', 'Ð': 'D', 'þ': 'th', 'Þ': 'Th', 'ı': 'i', 'ħ': 'h', 'Ħ': 'H', 'ŀ': 'l', 'Ŀ': 'L',
};

/** Quotes and other punctuation NFKC leaves alone. */
const PUNCTUATION: { readonly [c: string]: string } = {
  '\u2018': "'", '\u2019': "'", '\u201a': "'", '\u201b': "'", '\u2032': "'", '\u02bc': "'", '\u00b4': "'", '\u0060': "'",
  '\u201c': '"', '\u201d': '"', '\u201e': '"', '\u201f': '"', '\u2033': '"', '\u00ab': '"', '\u00bb': '"',
  '\u2044': '/', '\u2215': '/', '\u2028': '\n', '\u2029': '\n', '\u0085': '\n', '\u2024': '.', '\u2027': '.', '\u00b7': '.',
  '\u3002': '.', '\uff61': '.', '\u2219': '.', '\u2022': '.', '\u30fb': '.', '\u00a0': ' ',
};

/** Look-alike letters of these scripts are folded to Latin (see {@link foldWords}). */
function isFoldableScript(cp: number): boolean {
  return (
    (cp >= 0x0180 && cp <= 0x02ff) || // Latin Extended-B, IPA, spacing modifiers
    (cp >= 0x0370 && cp <= 0x058f) || // Greek, Cyrillic, Armenian
    (cp >= 0x13a0 && cp <= 0x13ff) || // Cherokee
    (cp >= 0x1400 && cp <= 0x167f) || // Canadian syllabics
    (cp >= 0x1d00 && cp <= 0x1dbf) || // phonetic extensions, small capitals
    (cp >= 0x1e00 && cp <= 0x1fff) || // Latin Extended Additional, Greek Extended
    (cp >= 0x2100 && cp <= 0x214f) || // letterlike symbols
    (cp >= 0x2c60 && cp <= 0x2cff) || // Latin Extended-C, Coptic
    (cp >= 0xa4d0 && cp <= 0xa4ff) || // Lisu
    (cp >= 0xa640 && cp <= 0xa7ff) || // Cyrillic Extended-B, Latin Extended-D
    (cp >= 0xab30 && cp <= 0xabbf) || // Latin Extended-E, Cherokee supplement
    (cp >= 0x10400 && cp <= 0x1044f) // Deseret
  );
}

/** Real alphabets: a whole word of them is only folded next to a Latin word. */
function isAlphabet(cp: number): boolean {
  return (cp >= 0x0370 && cp <= 0x058f) || (cp >= 0x1f00 && cp <= 0x1fff) || (cp >= 0x13a0 && cp <= 0x13ff) || (cp >= 0xab70 && cp <= 0xabbf);
}

/** Single Latin letters that override the table where its choice would break words (`І` is `I`, not `l`). */
const SKELETON_OVERRIDES: { readonly [c: string]: string } = { 'І': 'I', 'Ӏ': 'I', 'ӏ': 'l', 'Ι': 'I', 'ι': 'i', 'ɪ': 'i', 'ʟ': 'l', 'ɴ': 'n', 'ʀ': 'r', 'ɢ': 'g', 'ʏ': 'y', 'ʜ': 'h', 'ʙ': 'b' };

const skeletonCache = new Map<string, string>();
/** The Latin letter a character looks like, or '' when it looks like none. */
function skeleton(ch: string): string {
  let s = skeletonCache.get(ch);
  if (s !== undefined) return s;
  const mapped = SKELETON_OVERRIDES[ch] ?? confusablesMap.get(ch);
  s = mapped !== undefined && /^[A-Za-z]$/.test(mapped) ? mapped : '';
  skeletonCache.set(ch, s);
  return s;
}

function digitValue(cp: number): string {
  let zero = cp;
  for (let k = 1; k <= 9 && DECIMAL_DIGIT.test(String.fromCodePoint(cp - k)); k++) zero = cp - k;
  return String((cp - zero) % 10);
}

const foldCache = new Map<number, string>();

/** What one non-ASCII code point becomes in the base view (before the word-level look-alike fold). */
export function foldCodePoint(cp: number): string {
  let out = foldCache.get(cp);
  if (out !== undefined) return out;
  const ch = String.fromCodePoint(cp);
  if (INVISIBLE.test(ch)) out = '';
  else if (PUNCTUATION[ch] !== undefined) out = PUNCTUATION[ch];
  else if (DECIMAL_DIGIT.test(ch)) out = digitValue(cp);
  else if (SPACE.test(ch)) out = ' ';
  else if (DASH.test(ch)) out = '-';
  else {
    const decomposed = ch.normalize('NFKD').replace(COMBINING, '').normalize('NFKC');
    let s = '';
    for (const c of decomposed) {
      const code = c.codePointAt(0)!;
      if (code < 0x80) s += c;
      else if (LATIN_EXTRA[c] !== undefined) s += LATIN_EXTRA[c];
      else if (PUNCTUATION[c] !== undefined) s += PUNCTUATION[c];
      else if (DECIMAL_DIGIT.test(c)) s += digitValue(code);
      else if (SPACE.test(c)) s += ' ';
      else if (DASH.test(c)) s += '-';
      else if (!INVISIBLE.test(c)) s += c;
    }
    out = s;
  }
  foldCache.set(cp, out);
  return out;
}

const letterCache = new Map<number, boolean>();
function isNonAsciiLetter(cp: number): boolean {
  let v = letterCache.get(cp);
  if (v === undefined) {
    v = LETTER.test(String.fromCodePoint(cp));
    letterCache.set(cp, v);
  }
  return v;
}

function isAsciiAlnum(c: number): boolean {
  return (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122);
}

function isAsciiLetter(c: number): boolean {
  return (c >= 65 && c <= 90) || (c >= 97 && c <= 122);
}

// --- the base view -------------------------------------------------------------------------------------

/** Per-code-point folding of the original text (step 1 of {@link baseView}). */
function foldChars(text: string): TextView {
  const b = new ViewBuilder(text.length);
  let runStart = 0; // start of a pending run of printable ASCII, copied in one piece
  const flush = (to: number) => {
    if (to > runStart) b.pushOriginal(text, runStart, to);
  };
  for (let i = 0; i < text.length; ) {
    const c = text.charCodeAt(i);
    if (c < 0x80) {
      if (c < 0x20 && c !== 9 && c !== 10 && c !== 13) {
        flush(i);
        runStart = i + 1;
      } else if (c === 0x7f) {
        flush(i);
        runStart = i + 1;
      }
      i++;
      continue;
    }
    flush(i);
    const cp = text.codePointAt(i)!;
    const width = cp > 0xffff ? 2 : 1;
    b.push(foldCodePoint(cp), i, i + width);
    i += width;
    runStart = i;
  }
  flush(text.length);
  return b.build();
}

interface Word {
  readonly start: number;
  readonly end: number;
  /** Has an ASCII letter. */
  readonly latin: boolean;
  /** Has a letter of a foldable script. */
  readonly foldable: boolean;
  /** Every non-ASCII letter has a Latin skeleton. */
  readonly allLookAlike: boolean;
  /** Has a non-ASCII letter of a real alphabet (Cyrillic, Greek, ...). */
  readonly alphabet: boolean;
  /** Has an ASCII digit. */
  readonly digit: boolean;
}

/** Characters of the scripts {@link isFoldableScript} covers (a quick test before the word pass). */
const FOLDABLE = /[\u0180-\u02ff\u0370-\u058f\u13a0-\u167f\u1d00-\u1dbf\u1e00-\u1fff\u2100-\u214f\u2c60-\u2cff\ua4d0-\ua4ff\ua640-\ua7ff\uab30-\uabbf]|\ud801[\udc00-\udc4f]/;

/** Step 2 of {@link baseView}: look-alike letters to Latin, word by word. */
function foldWords(view: TextView): TextView {
  const text = view.text;
  if (!FOLDABLE.test(text)) return view;
  const words: Word[] = [];
  for (let i = 0; i < text.length; ) {
    const c = text.charCodeAt(i);
    const cp = text.codePointAt(i)!;
    if (!(isAsciiAlnum(c) || (c >= 0x80 && isNonAsciiLetter(cp)))) {
      i += cp > 0xffff ? 2 : 1;
      continue;
    }
    const start = i;
    let latin = false;
    let foldable = false;
    let allLookAlike = true;
    let alphabet = false;
    let digit = false;
    while (i < text.length) {
      const d = text.charCodeAt(i);
      const dp = text.codePointAt(i)!;
      if (isAsciiLetter(d)) latin = true;
      else if (d >= 48 && d <= 57) digit = true;
      else if (d >= 0x80 && isNonAsciiLetter(dp)) {
        if (isFoldableScript(dp)) {
          foldable = true;
          if (isAlphabet(dp)) alphabet = true;
          if (skeleton(String.fromCodePoint(dp)) === '') allLookAlike = false;
        } else {
          allLookAlike = false;
        }
      } else break;
      i += dp > 0xffff ? 2 : 1;
    }
    if (foldable) words.push({ start, end: i, latin, foldable, allLookAlike, alphabet, digit });
    else if (latin) words.push({ start, end: i, latin, foldable, allLookAlike: true, alphabet: false, digit });
  }
  if (!words.some((w) => w.foldable)) return view;

  const b = new ViewBuilder(view.originalLength, text.length);
  let at = 0;
  for (let k = 0; k < words.length; k++) {
    const w = words[k];
    if (!w.foldable) continue;
    // a whole word of look-alikes is Latin in disguise when the words around it are mostly Latin, not when it
    // stands among words of its own alphabet ("правилами OpenAI" is Russian with a brand name)
    let latinAround = 0;
    let nativeAround = 0;
    for (let d = -2; d <= 2; d++) {
      const v = d === 0 ? undefined : words[k + d];
      if (!v) continue;
      if (v.latin) latinAround++;
      else if (v.alphabet && !v.allLookAlike) nativeAround++;
    }
    const fold = w.latin || w.digit || (w.allLookAlike && (!w.alphabet || latinAround > nativeAround));
    if (!fold) continue;
    b.copy(view, at, w.start);
    for (let i = w.start; i < w.end; ) {
      const cp = text.codePointAt(i)!;
      const width = cp > 0xffff ? 2 : 1;
      const s = cp >= 0x80 && isFoldableScript(cp) ? skeleton(String.fromCodePoint(cp)) : '';
      if (s) b.push(s, view.starts[i], view.ends[i + width - 1]);
      else b.copy(view, i, i + width);
      i += width;
    }
    at = w.end;
  }
  b.copy(view, at, text.length);
  return b.build();
}

/** The base view: invisible characters dropped, NFKC, digits/dashes/spaces/quotes to ASCII, look-alikes folded. */
export function baseView(text: string): TextView {
  if (!NOT_PLAIN.test(text)) return identityView(text);
  return foldWords(foldChars(text));
}

/** Anything but printable ASCII, tab and new lines: plain text needs no folding. */
const NOT_PLAIN = /[^\x20-\x7e\t\n\r]/;

// --- the words view -----------------------------------------------------------------------------------

const LEET: { readonly [c: string]: string } = { '0': 'o', '1': 'i', '3': 'e', '4': 'a', '5': 's', '7': 't', '8': 'b', '@': 'a', '$': 's', '!': 'i', '|': 'l', '€': 'e' };

/** LEET as a table of ASCII codes (0: not a leet character). */
const LEET_CODES = new Uint8Array(128);
for (const [k, v] of Object.entries(LEET)) if (k.charCodeAt(0) < 128) LEET_CODES[k.charCodeAt(0)] = v.charCodeAt(0);

const lowerCache = new Map<number, string>();
function lower(cp: number): string {
  let s = lowerCache.get(cp);
  if (s === undefined) {
    s = String.fromCodePoint(cp).toLowerCase().replace(COMBINING, '');
    lowerCache.set(cp, s);
  }
  return s;
}

/**
 * The words view of a base view: lower-case words separated by single spaces, leetspeak folded, letter
 * spacing joined. Only for phrase matching (the text is not meant to be read).
 */
export function wordsView(base: TextView, unscrambled = false): WordsView {
  const text = base.text;
  let scrambled = false;
  const n = text.length;
  // 1. Tokens: runs of letters and digits, plus leet symbols between word characters (`h@ck`, `$ystem`).
  const ts: number[] = []; // token starts
  const te: number[] = []; // token ends
  const wordAt = (i: number): boolean => {
    const c = text.charCodeAt(i);
    return c < 0x80 ? ASCII_WORD[c] === 1 : isNonAsciiLetter(text.codePointAt(i)!);
  };
  for (let i = 0; i < n; ) {
    const c = text.charCodeAt(i);
    const leetStart = (c === 36 || c === 64 || c === 124) && i + 1 < n && isAsciiLetter(text.charCodeAt(i + 1));
    if (!leetStart && !wordAt(i)) {
      i += c >= 0xd800 && c <= 0xdbff ? 2 : 1;
      continue;
    }
    const start = i;
    i += c >= 0xd800 && c <= 0xdbff ? 2 : 1;
    while (i < n) {
      const d = text.charCodeAt(i);
      if (wordAt(i)) i += d >= 0xd800 && d <= 0xdbff ? 2 : 1;
      else if ((d === 64 || d === 36 || d === 33 || d === 124) && i + 1 < n && wordAt(i + 1)) i++; // a leet symbol inside a word
      else if (d === 39 && i + 1 < n && isAsciiLetter(text.charCodeAt(i + 1)) && isAsciiLetter(text.charCodeAt(i - 1))) i++; // don't
      else break;
    }
    ts.push(start);
    te.push(i);
  }

  // 2. Letter spacing: a run of at least four single-letter tokens is one word (or several, where the gap
  // between two letters is wider than the usual gap of the run).
  const b = new ViewBuilder(base.originalLength, n);
  const emitToken = (k: number) => {
    const from = ts[k];
    const to = te[k];
    let letters = 0;
    let leet = 0;
    for (let i = from; i < to; i++) {
      const c = text.charCodeAt(i);
      if (isAsciiLetter(c) || c >= 0x80) letters++;
      else if (c < 0x80 && LEET_CODES[c] > 0) leet++;
    }
    const useLeet = letters >= 1 && leet > 0 && leet <= letters * 3 && to - from >= 2;
    // scrambled keywords (`igonre all prevoius instrcutions`): first and last letter kept, the middle shuffled
    if (to - from >= 5 && to - from <= 14 && letters === to - from) {
      const word = text.slice(from, to).toLowerCase();
      const keyword = unscramble(word);
      if (keyword !== undefined && keyword !== word) scrambled = true;
      if (unscrambled && keyword !== undefined && keyword !== word) {
        const start = base.starts[from];
        const end = base.ends[to - 1];
        for (let k = 0; k < keyword.length; k++) b.pushCode(keyword.charCodeAt(k), start, end);
        return;
      }
    }
    for (let i = from; i < to; ) {
      const c = text.charCodeAt(i);
      if (c < 0x80) {
        if (c !== 39) {
          const l = useLeet ? LEET_CODES[c] : 0;
          b.pushCode(l > 0 ? l : c >= 65 && c <= 90 ? c + 32 : c, base.starts[i], base.ends[i]);
        }
        i++;
        continue;
      }
      const cp = text.codePointAt(i)!;
      const width = cp > 0xffff ? 2 : 1;
      b.push(lower(cp), base.starts[i], base.ends[i + width - 1]);
      i += width;
    }
  };
  // Between two tokens: ' . ' where a sentence or a line ended, else ' '.
  const space = (k: number) => {
    const at = base.ends[te[k] - 1];
    // a sentence mark, or a blank line (a single line break is only a space: attacks are split over lines)
    let mark = false;
    if (k + 1 < ts.length) {
      let breaks = 0;
      for (let i = te[k]; i < ts[k + 1] && !mark; i++) {
        const c = text.charCodeAt(i);
        if (c === 10) breaks++;
        mark = SENTENCE_CODES.has(c) || breaks >= 2;
      }
    }
    if (mark) {
      b.pushCode(32, at, at);
      b.pushCode(46, at, at);
    }
    b.pushCode(32, at, at);
  };

  const count = ts.length;
  for (let k = 0; k < count; ) {
    // A run of single-character letter tokens separated by short gaps.
    let j = k;
    while (j < count && te[j] - ts[j] === 1 && isSpacedLetter(text.charCodeAt(ts[j])) && (j === k || ts[j] - te[j - 1] <= 8)) j++;
    if (j - k >= 4) {
      const usual = mostCommonGap(text, ts, te, k, j);
      for (let m = k; m < j; m++) {
        if (m > k && text.slice(te[m - 1], ts[m]) !== usual) space(m - 1);
        emitToken(m);
      }
      if (j < count) space(j - 1);
      k = j;
      continue;
    }
    emitToken(k);
    if (k + 1 < count) space(k);
    k++;
  }
  return { ...b.build(), scrambled };
}

/** A words view, and whether a word in it looks like a scrambled keyword (then also check the unscrambled view). */
export interface WordsView extends TextView {
  /** Some word has the letters of a keyword with its first and last letter (`igonre`, `prevoius`). */
  readonly scrambled: boolean;
}

/**
 * Words attackers scramble to get past filters; the first and last letters stay (people still read them).
 * Unscrambling is a second view, never the only one: a real word of another language can share the letters
 * (French `filtres`).
 */
const SCRAMBLE_TARGETS = [
  'ignore', 'ignoring', 'previous', 'instructions', 'instruction', 'disregard', 'forget', 'everything', 'above', 'prompt', 'system',
  'restrictions', 'guidelines', 'override', 'bypass', 'jailbreak', 'reveal', 'developer', 'filters', 'unrestricted', 'unfiltered',
  'uncensored', 'pretend', 'safety', 'policy', 'content', 'earlier', 'prior', 'rules', 'directives', 'guardrails', 'confidential',
];
const scrambleKey = (w: string) => `${w[0]}${w[w.length - 1]}${w.length}`;
const scrambleSignature = (w: string) => w[0] + [...w.slice(1, -1)].sort().join('') + w[w.length - 1];
const SCRAMBLE_KEYS = new Set(SCRAMBLE_TARGETS.map(scrambleKey));
const SCRAMBLED = new Map(SCRAMBLE_TARGETS.map((w) => [scrambleSignature(w), w]));

/** The keyword a scrambled word stands for, or undefined. */
const SCRAMBLE_WORDS = new Set(SCRAMBLE_TARGETS);
function unscramble(word: string): string | undefined {
  if (SCRAMBLE_WORDS.has(word) || !SCRAMBLE_KEYS.has(scrambleKey(word))) return undefined;
  return SCRAMBLED.get(scrambleSignature(word));
}

/** Word characters among ASCII: letters and digits. */
const ASCII_WORD = new Uint8Array(128);
for (let c = 0; c < 128; c++) ASCII_WORD[c] = isAsciiAlnum(c) ? 1 : 0;
const SENTENCE_CODES = new Set([46, 33, 63, 59, 58, 0x3002, 0xff01, 0xff1f]);

/** The most common gap between the tokens `k` to `j` of a letter-spaced run. */
function mostCommonGap(text: string, ts: number[], te: number[], k: number, j: number): string {
  const counts = new Map<string, number>();
  let best = '';
  let bestCount = 0;
  for (let m = k + 1; m < j; m++) {
    const g = text.slice(te[m - 1], ts[m]);
    const c = (counts.get(g) ?? 0) + 1;
    counts.set(g, c);
    if (c > bestCount) {
      best = g;
      bestCount = c;
    }
  }
  return best;
}

function isSpacedLetter(c: number): boolean {
  return isAsciiLetter(c) || (c >= 48 && c <= 57) || c === 64 || c === 36 || (c >= 0x80 && isNonAsciiLetter(c));
}


/** A view of `view` without the code units at `drop` (sorted offsets into `view.text`). */
export function withoutUnits(view: TextView, drop: readonly number[]): TextView {
  const b = new ViewBuilder(view.originalLength, view.text.length);
  let at = 0;
  for (const d of drop) {
    b.copy(view, at, d);
    at = d + 1;
  }
  b.copy(view, at, view.text.length);
  return b.build();
}
