/**
 * Custom patterns of the guardrail function's local checks: RE2 syntax, run by JavaScript's own RegExp, and
 * accepted only when they run in linear time by construction.
 *
 * A backtracking engine (V8's) is linear in the text when each match attempt does a bounded amount of work:
 * then a scan of n characters costs at most n times that bound. Bounded quantifiers alone do not give a small
 * bound: `\d{1,300}\d{1,300}\d{1,300}x` (at most 900 characters wide) takes minutes on 2,000 digits, and
 * `(?:a|a){1,25}b` takes a minute and a half on 200 `a`s, because the engine tries every way to split the
 * text between two repetitions, or between two alternatives, that can match the same characters. So a
 * pattern is accepted only when
 *
 * 1. RE2 accepts it (no lookaround, backreferences, atomic groups, possessive quantifiers, recursion ...),
 * 2. every repetition is bounded (`{m,n}`, `?`; not `*`, `+`, `{n,}`) and the longest match is at most
 *    {@link MAX_PATTERN_WIDTH} characters, and
 * 3. an upper bound on the steps of one match attempt — each step one test of a character against an atom
 *    or a zero-width assertion — is at most {@link MAX_PATTERN_STEPS}. The bound is exact arithmetic on the
 *    pattern: where what follows a repetition cannot start with a character the repetition matches (and
 *    alternatives start with different characters), the engine never has two ways to go on and the bound is
 *    about twice the width; where they can, the ways multiply, and the bound says by how much.
 *
 * Both checks run at synth (GuardrailFunction, so a pattern fails `cdk synth`, not the deployed function) and
 * again when the function compiles the pattern (lambda/guardrail/local-checks.ts). RE2-only syntax is
 * translated to its JavaScript equivalent (`(?i)` at the start, `\pL`, `\p{Greek}`, `[[:alpha:]]`,
 * `\Q...\E`, `\x{41}`, `\A`, `\z`, `(?s)`, `(?m)`, `(?U)`, named groups); the RegExp gets the flags `g`
 * and `u` (a character is a code point; `\p{...}` classes), and `i` for case-insensitive patterns.
 * `\d`, `\w`, `\s`, `.`, `^` and `$` keep their RE2 meaning (ASCII classes; `.` is any character but `\n`).
 *
 * No dependency: this file is bundled into the guardrail function.
 */

/** The longest text a custom pattern may match, in characters (the streaming carry-over, CARRY_CHARS). */
export const MAX_PATTERN_WIDTH = 256;
/** The most steps one match attempt of a custom pattern may take (see the file comment). */
export const MAX_PATTERN_STEPS = 512;
/** The largest repetition count RE2 accepts. */
const RE2_MAX_REPEAT = 1000;

/** A custom pattern that passed the checks, ready for `new RegExp(source, flags)`. */
export interface BoundedPattern {
  /** JavaScript source (RE2-only syntax translated; groups non-capturing). */
  readonly source: string;
  /** `gu`, plus `i` when case-insensitive. */
  readonly flags: string;
  /** The longest match, in characters. */
  readonly width: number;
  /** Upper bound on the steps of one match attempt. */
  readonly steps: number;
}

/** The verdict on a pattern: the compiled form, or why it is not accepted (a short phrase). */
export type PatternVerdict = { readonly ok: true; readonly pattern: BoundedPattern } | { readonly ok: false; readonly problem: string };

/** Checks a custom pattern and translates it to JavaScript; never throws. */
export function checkCustomPattern(pattern: string, caseInsensitive = false): PatternVerdict {
  try {
    return { ok: true, pattern: compilePattern(pattern, caseInsensitive) };
  } catch (e) {
    if (e instanceof PatternProblem) return { ok: false, problem: e.message };
    throw e;
  }
}

class PatternProblem extends Error {}

function fail(problem: string): never {
  throw new PatternProblem(problem);
}

// ---------------------------------------------------------------------------------------------------------
// Character sets: sorted, disjoint, non-adjacent [lo, hi] code-point ranges.

type Ranges = readonly (readonly [number, number])[];

const MAX_CP = 0x10ffff;
const ALL: Ranges = [[0, MAX_CP]];
const NON_ASCII: Ranges = [[0x80, MAX_CP]];

function normalize(ranges: (readonly [number, number])[]): Ranges {
  const sorted = [...ranges].sort((a, b) => a[0] - b[0]);
  const out: [number, number][] = [];
  for (const [lo, hi] of sorted) {
    const last = out[out.length - 1];
    if (last && lo <= last[1] + 1) last[1] = Math.max(last[1], hi);
    else out.push([lo, hi]);
  }
  return out;
}

function union(...sets: Ranges[]): Ranges {
  return normalize(sets.flat());
}

function complement(set: Ranges): Ranges {
  const out: [number, number][] = [];
  let next = 0;
  for (const [lo, hi] of set) {
    if (lo > next) out.push([next, lo - 1]);
    next = hi + 1;
  }
  if (next <= MAX_CP) out.push([next, MAX_CP]);
  return out;
}

function overlaps(a: Ranges, b: Ranges): boolean {
  let i = 0;
  let j = 0;
  while (i < a.length && j < b.length) {
    if (a[i][1] < b[j][0]) i++;
    else if (b[j][1] < a[i][0]) j++;
    else return true;
  }
  return false;
}

function has(set: Ranges, cp: number): boolean {
  return set.some(([lo, hi]) => cp >= lo && cp <= hi);
}

/**
 * Every character that may match some character of `set` when case is ignored (a superset: ASCII letters
 * get their other case; K and S also match the Kelvin sign and the long s; anything outside ASCII is taken to
 * match everything outside ASCII and k, K, s, S). Only used to decide whether two sets can share a character.
 */
function caseClosure(set: Ranges): Ranges {
  const extra: [number, number][] = [];
  for (const [lo, hi] of set) {
    for (const [a, z, delta] of [[0x41, 0x5a, 0x20], [0x61, 0x7a, -0x20]] as const) {
      const from = Math.max(lo, a);
      const to = Math.min(hi, z);
      if (from <= to) extra.push([from + delta, to + delta]);
    }
  }
  const k = has(set, 0x4b) || has(set, 0x6b);
  const s = has(set, 0x53) || has(set, 0x73);
  if (k) extra.push([0x212a, 0x212a]);
  if (s) extra.push([0x17f, 0x17f]);
  if (overlaps(set, NON_ASCII)) extra.push([0x80, MAX_CP], [0x4b, 0x4b], [0x6b, 0x6b], [0x53, 0x53], [0x73, 0x73]);
  return union(set, extra);
}

const single = (cp: number): Ranges => [[cp, cp]];
const DIGIT: Ranges = [[0x30, 0x39]];
const WORD: Ranges = [[0x30, 0x39], [0x41, 0x5a], [0x5f, 0x5f], [0x61, 0x7a]];
const SPACE: Ranges = [[0x09, 0x0a], [0x0c, 0x0d], [0x20, 0x20]]; // RE2's \s: \t \n \f \r and space
const NEWLINE: Ranges = single(0x0a);
const POSIX: { readonly [name: string]: Ranges } = {
  alnum: [[0x30, 0x39], [0x41, 0x5a], [0x61, 0x7a]],
  alpha: [[0x41, 0x5a], [0x61, 0x7a]],
  ascii: [[0x00, 0x7f]],
  blank: [[0x09, 0x09], [0x20, 0x20]],
  cntrl: [[0x00, 0x1f], [0x7f, 0x7f]],
  digit: DIGIT,
  graph: [[0x21, 0x7e]],
  lower: [[0x61, 0x7a]],
  print: [[0x20, 0x7e]],
  punct: [[0x21, 0x2f], [0x3a, 0x40], [0x5b, 0x60], [0x7b, 0x7e]],
  space: [[0x09, 0x0d], [0x20, 0x20]],
  upper: [[0x41, 0x5a]],
  word: WORD,
  xdigit: [[0x30, 0x39], [0x41, 0x46], [0x61, 0x66]],
};

/** A code point as it may appear anywhere in a `u`-mode RegExp (outside or inside a class). */
function jsChar(cp: number): string {
  if ((cp >= 0x30 && cp <= 0x39) || (cp >= 0x41 && cp <= 0x5a) || (cp >= 0x61 && cp <= 0x7a)) return String.fromCodePoint(cp);
  return `\\u{${cp.toString(16)}}`;
}

/** Ranges as the inside of a JavaScript class. */
function jsRanges(set: Ranges): string {
  return set.map(([lo, hi]) => (lo === hi ? jsChar(lo) : `${jsChar(lo)}-${jsChar(hi)}`)).join('');
}

// ---------------------------------------------------------------------------------------------------------
// The syntax tree.

interface Span {
  /** Offsets of the node in the pattern (for messages). */
  readonly at: number;
  readonly end: number;
}
type Node =
  | (Span & { readonly k: 'char'; readonly set: Ranges; readonly src: string })
  | (Span & { readonly k: 'assert'; readonly src: string })
  | (Span & { readonly k: 'seq'; readonly items: readonly Node[] })
  | (Span & { readonly k: 'alt'; readonly branches: readonly Node[] })
  | (Span & { readonly k: 'rep'; readonly body: Node; readonly min: number; readonly max: number; readonly lazy: boolean });

interface Flags {
  s: boolean;
  m: boolean;
  U: boolean;
}

/** Parses RE2 syntax (rejecting what RE2 rejects, and unbounded repetition). */
class Parser {
  private i = 0;
  private readonly names = new Set<string>();
  /** Case-insensitive for the whole pattern (the prop, or a leading `(?i)`). */
  caseInsensitive: boolean;

  constructor(
    private readonly p: string,
    caseInsensitive: boolean,
  ) {
    this.caseInsensitive = caseInsensitive;
  }

  parse(): Node {
    const flags: Flags = { s: false, m: false, U: false };
    const node = this.alternation(flags, true);
    if (this.i < this.p.length) fail('an unbalanced )'); // only a ')' stops the top-level alternation early
    return node;
  }

  private alternation(flags: Flags, top: boolean): Node {
    const at = this.i;
    const branches = [this.sequence(flags, top)];
    while (this.p[this.i] === '|') {
      this.i++;
      branches.push(this.sequence(flags, false));
    }
    return branches.length === 1 ? branches[0] : { k: 'alt', branches, at, end: this.i };
  }

  private sequence(flags: Flags, top: boolean): Node {
    const at = this.i;
    const items: Node[] = [];
    while (this.i < this.p.length && this.p[this.i] !== '|' && this.p[this.i] !== ')') {
      // a flag group at the very start of the pattern: (?i) sets case-insensitivity for all of it
      if (this.p.startsWith('(?', this.i) && /^\(\?[imsU-]+\)/.test(this.p.slice(this.i))) {
        this.flagGroup(flags, top && items.length === 0);
        continue;
      }
      if (this.p.startsWith('\\Q', this.i)) {
        const start = this.i;
        const close = this.p.indexOf('\\E', this.i + 2);
        const text = this.p.slice(this.i + 2, close < 0 ? this.p.length : close);
        this.i = close < 0 ? this.p.length : close + 2;
        for (const ch of text) {
          const cp = ch.codePointAt(0)!;
          items.push({ k: 'char', set: single(cp), src: jsChar(cp), at: start, end: this.i });
        }
        if (text.length > 0) items.push(this.quantified(items.pop()!, flags));
        else if (this.isQuantifier()) fail(`nothing to repeat before ${this.p[this.i]}`);
        continue;
      }
      items.push(this.quantified(this.atom(flags), flags));
    }
    return items.length === 1 ? items[0] : { k: 'seq', items, at, end: this.i };
  }

  private flagGroup(flags: Flags, atStart: boolean): void {
    const m = /^\(\?([imsU]*)(?:-([imsU]+))?\)/.exec(this.p.slice(this.i));
    if (!m) fail(`unsupported flags ${/^\(\?[^)]*\)/.exec(this.p.slice(this.i))![0]}`);
    const on = m[1];
    const off = m[2] ?? '';
    if (on.includes('i')) {
      if (!atStart && !this.caseInsensitive) fail('(?i) after the start of the pattern (put it first, or set caseInsensitive)');
      this.caseInsensitive = true;
    }
    if (off.includes('i') && this.caseInsensitive) fail('(?-i) in a case-insensitive pattern');
    for (const f of ['s', 'm', 'U'] as const) {
      if (on.includes(f)) flags[f] = true;
      if (off.includes(f)) flags[f] = false;
    }
    this.i += m[0].length;
  }

  private isQuantifier(): boolean {
    const c = this.p[this.i];
    return c === '*' || c === '+' || c === '?' || (c === '{' && /^\{\d+(?:,\d*)?\}/.test(this.p.slice(this.i)));
  }

  private quantified(atom: Node, flags: Flags): Node {
    if (!this.isQuantifier()) return atom;
    const c = this.p[this.i];
    const source = this.p.slice(atom.at, atom.end);
    if (atom.k === 'assert') fail(`nothing to repeat before ${c}`);
    let min: number;
    let max: number;
    if (c === '{') {
      const m = /^\{(\d+)(?:(,)(\d*))?\}/.exec(this.p.slice(this.i))!;
      min = Number(m[1]);
      if (m[2] && m[3] === '') fail(`an unbounded repetition ${m[0]} after ${source} (use a bounded one such as {${min},${Math.max(min + 1, 64)}})`);
      max = m[3] === undefined ? min : Number(m[3]);
      if (min > RE2_MAX_REPEAT || max > RE2_MAX_REPEAT) fail(`a repetition count above ${RE2_MAX_REPEAT}`);
      if (max < min) fail('a repetition {n,m} with m < n');
      this.i += m[0].length;
    } else {
      if (c === '*') fail(`an unbounded repetition * after ${source} (use a bounded one such as {0,64})`);
      if (c === '+') fail(`an unbounded repetition + after ${source} (use a bounded one such as {1,64})`);
      min = 0;
      max = 1;
      this.i++;
    }
    let lazy = false;
    if (this.p[this.i] === '+') fail(`a possessive quantifier (${c}+)`);
    if (this.p[this.i] === '?') {
      lazy = true;
      this.i++;
    }
    if (this.isQuantifier()) fail('a repeated quantifier');
    return { k: 'rep', body: atom, min, max, lazy: lazy !== flags.U, at: atom.at, end: this.i };
  }

  private atom(flags: Flags): Node {
    const at = this.i;
    const c = this.p[this.i];
    if (c === '(') return this.group(flags);
    if (c === '[') return this.charClass();
    if (c === '\\') return this.escape();
    if (c === '*' || c === '+' || c === '?') fail(`nothing to repeat before ${c}`);
    if (c === '{' && /^\{\d+(?:,\d*)?\}/.test(this.p.slice(this.i))) fail('nothing to repeat before {');
    if (c === '.') {
      this.i++;
      const set = flags.s ? ALL : complement(NEWLINE);
      return { k: 'char', set, src: `[${jsRanges(set)}]`, at, end: this.i };
    }
    if (c === '^' || c === '$') {
      this.i++;
      // Without (?m) they are JavaScript's ^ and $ (no m flag). With it, RE2's: next to \n only.
      const src = flags.m ? (c === '^' ? '(?<![^\\n])' : '(?![^\\n])') : c;
      return { k: 'assert', src, at, end: this.i };
    }
    const cp = this.p.codePointAt(this.i)!;
    this.i += cp > 0xffff ? 2 : 1;
    return { k: 'char', set: single(cp), src: jsChar(cp), at, end: this.i };
  }

  private group(flags: Flags): Node {
    const at = this.i;
    const rest = this.p.slice(this.i + 1);
    let inner = { ...flags };
    if (rest.startsWith('?')) {
      const r = rest.slice(1);
      if (/^[=!]/.test(r)) fail('lookahead (?= or (?!)');
      if (/^<[=!]/.test(r)) fail('lookbehind (?<= or (?<!)');
      if (r.startsWith('>')) fail('an atomic group (?>');
      if (r.startsWith('(')) fail('a conditional (?(');
      if (r.startsWith('|')) fail('a branch reset (?|');
      if (r.startsWith('#')) fail('a comment group (?#');
      if (/^(?:R|[+-]?\d|&)/.test(r)) fail('recursion or a subroutine call');
      const named = /^P?<([A-Za-z_][A-Za-z0-9_]*)>/.exec(r);
      if (named) {
        if (this.names.has(named[1])) fail(`a duplicate group name ${named[1]}`);
        this.names.add(named[1]);
        this.i += 2 + named[0].length;
      } else {
        const scoped = /^([imsU]*)(?:-([imsU]+))?:/.exec(r);
        if (!scoped) fail(`an unknown group ${/^\(\?[^)]{0,4}/.exec(this.p.slice(this.i))![0]}`);
        if (scoped[1].includes('i') && !this.caseInsensitive) fail('(?i: ...) on part of a pattern (set caseInsensitive for all of it)');
        if ((scoped[2] ?? '').includes('i') && this.caseInsensitive) fail('(?-i: ...) in a case-insensitive pattern');
        inner = { ...flags };
        for (const f of ['s', 'm', 'U'] as const) {
          if (scoped[1].includes(f)) inner[f] = true;
          if ((scoped[2] ?? '').includes(f)) inner[f] = false;
        }
        this.i += 2 + scoped[0].length;
      }
    } else this.i++;
    const body = this.alternation(inner, false);
    if (this.p[this.i] !== ')') fail('an unbalanced (');
    this.i++;
    // a group is its body: the source is emitted with (?: ... ) around it (see emit)
    return { ...body, at, end: this.i } as Node;
  }

  /** Reads an escape at `this.i`; returns a set, or an assertion, or fails. */
  private escape(): Node {
    const at = this.i;
    const e = this.escapeSet(false);
    if (typeof e === 'string') return { k: 'assert', src: e, at, end: this.i };
    return { k: 'char', set: e.set, src: e.src, at, end: this.i };
  }

  /** An escape as a set with its JavaScript source (or, outside a class, an assertion's source). */
  private escapeSet(inClass: boolean): { set: Ranges; src: string; single?: number } | string {
    const p = this.p;
    const next = p[this.i + 1];
    if (next === undefined) fail('a trailing backslash');
    const lit = (cp: number, len: number) => {
      this.i += len;
      return { set: single(cp), src: jsChar(cp), single: cp };
    };
    const cls = (set: Ranges, len: number) => {
      this.i += len;
      return { set, src: inClass ? jsRanges(set) : `[${jsRanges(set)}]` };
    };
    if (/[1-9]/.test(next)) fail(`a backreference \\${next}`);
    if (next === '0') {
      const m = /^\\(0[0-7]{0,2})/.exec(p.slice(this.i))!;
      return lit(parseInt(m[1], 8), m[0].length);
    }
    if (next === 'k' || next === 'g') fail(`a backreference \\${next}`);
    if (next === 'u') fail('a \\u escape (use \\x{HHHH})');
    if (next === 'c') fail('a control-character escape (\\c)');
    if ('GZXRKNhHVeC'.includes(next)) fail(`an escape RE2 does not support (\\${next})`);
    switch (next) {
      case 'd': return cls(DIGIT, 2);
      case 'D': return cls(complement(DIGIT), 2);
      case 'w': return cls(WORD, 2);
      case 'W': return cls(complement(WORD), 2);
      case 's': return cls(SPACE, 2);
      case 'S': return cls(complement(SPACE), 2);
      case 'a': return lit(0x07, 2);
      case 'f': return lit(0x0c, 2);
      case 't': return lit(0x09, 2);
      case 'n': return lit(0x0a, 2);
      case 'r': return lit(0x0d, 2);
      case 'v': return lit(0x0b, 2);
      default:
    }
    if (next === 'x') {
      const braced = /^\\x\{([0-9A-Fa-f]{1,8})\}/.exec(p.slice(this.i));
      const plain = /^\\x([0-9A-Fa-f]{2})/.exec(p.slice(this.i));
      const m = braced ?? plain;
      if (!m || parseInt(m[1], 16) > MAX_CP) fail('a malformed \\x escape');
      return lit(parseInt(m[1], 16), m[0].length);
    }
    if (next === 'p' || next === 'P') return this.unicodeClass(inClass);
    if ('bBAz'.includes(next)) {
      if (inClass) fail(`\\${next} inside a class`);
      this.i += 2;
      return next === 'A' ? '^' : next === 'z' ? '$' : `\\${next}`;
    }
    if (next === 'Q') fail('\\Q inside a class');
    if (next === 'E') fail('\\E without \\Q');
    const cp = p.codePointAt(this.i + 1)!;
    // RE2: a backslash before ASCII punctuation makes it literal; before a letter or anything else it is an error
    if (cp < 0x80 && !/[A-Za-z0-9]/.test(next)) return lit(cp, 2);
    return fail(`an unknown escape \\${String.fromCodePoint(cp)}`);
  }

  /** `\pL`, `\p{Greek}`, `\P{Lu}`, `\p{^Greek}`: a general category or a script, as JavaScript writes it. */
  private unicodeClass(inClass: boolean): { set: Ranges; src: string } {
    const m = /^\\([pP])(?:\{(\^?)([A-Za-z_]+)\}|([A-Za-z]))/.exec(this.p.slice(this.i));
    if (!m) fail('a malformed \\p escape');
    const negated = (m[1] === 'P') !== (m[2] === '^');
    const name = m[3] ?? m[4];
    const property = /^[A-Z][a-z]?$/.test(name) || name === 'Any' ? name : `Script=${name}`;
    const src = `\\${negated ? 'P' : 'p'}{${property}}`;
    let re: RegExp;
    try {
      re = new RegExp(`^[${src}]$`, 'u');
    } catch {
      return fail(`an unknown Unicode class \\p{${name}}`);
    }
    this.i += m[0].length;
    // For the analysis: exact on ASCII, and everything outside ASCII (a superset, which is safe).
    const ascii: [number, number][] = [];
    for (let cp = 0; cp < 0x80; cp++) if (re.test(String.fromCharCode(cp))) ascii.push([cp, cp]);
    return { set: union(ascii, NON_ASCII), src: inClass ? src : `[${src}]` };
  }

  private charClass(): Node {
    const at = this.i;
    const p = this.p;
    this.i++;
    const negated = p[this.i] === '^';
    if (negated) this.i++;
    const parts: string[] = [];
    const sets: Ranges[] = [];
    let first = true;
    for (;;) {
      if (this.i >= p.length) fail('an unterminated [');
      const c = p[this.i];
      if (c === ']' && !first) {
        this.i++;
        break;
      }
      first = false;
      if (c === '[' && p[this.i + 1] === ':') {
        const close = p.indexOf(':]', this.i + 2);
        if (close < 0) fail('an unterminated [:class:]');
        const m = /^(\^?)([a-z]+)$/.exec(p.slice(this.i + 2, close));
        if (!m || !POSIX[m[2]]) fail('an unknown [:class:]');
        const set = m[1] ? complement(POSIX[m[2]]) : POSIX[m[2]];
        sets.push(set);
        parts.push(jsRanges(set));
        this.i = close + 2;
        continue;
      }
      const lo = this.classAtom();
      if (lo.single !== undefined && p[this.i] === '-' && p[this.i + 1] !== ']' && this.i + 1 < p.length) {
        this.i++;
        const hi = this.classAtom();
        if (hi.single === undefined) fail('a range whose end is a class');
        if (hi.single < lo.single) fail('a range out of order');
        const set: Ranges = [[lo.single, hi.single]];
        sets.push(set);
        parts.push(jsRanges(set));
        continue;
      }
      sets.push(lo.set);
      parts.push(lo.src);
    }
    const set = union(...sets);
    return { k: 'char', set: negated ? complement(set) : set, src: `[${negated ? '^' : ''}${parts.join('')}]`, at, end: this.i };
  }

  /** One item of a class: a character (with `single`) or an escaped class. */
  private classAtom(): { set: Ranges; src: string; single?: number } {
    if (this.p[this.i] === '\\') {
      const e = this.escapeSet(true);
      if (typeof e === 'string') return fail('an assertion inside a class');
      return e;
    }
    const cp = this.p.codePointAt(this.i)!;
    this.i += cp > 0xffff ? 2 : 1;
    return { set: single(cp), src: jsChar(cp), single: cp };
  }
}

// ---------------------------------------------------------------------------------------------------------
// Analysis: width, first characters, and the step bound.

function width(n: Node): number {
  switch (n.k) {
    case 'char': return 1;
    case 'assert': return 0;
    case 'seq': return n.items.reduce((w, x) => w + width(x), 0);
    case 'alt': return Math.max(...n.branches.map(width));
    case 'rep': return n.max * width(n.body);
  }
}

function nullable(n: Node): boolean {
  switch (n.k) {
    case 'char': return false;
    case 'assert': return true;
    case 'seq': return n.items.every(nullable);
    case 'alt': return n.branches.some(nullable);
    case 'rep': return n.min === 0 || nullable(n.body);
  }
}

/** The characters a match of `n` can start with (before the case closure). */
function first(n: Node): Ranges {
  switch (n.k) {
    case 'char': return n.set;
    case 'assert': return [];
    case 'seq': {
      const sets: Ranges[] = [];
      for (const x of n.items) {
        sets.push(first(x));
        if (!nullable(x)) break;
      }
      return union(...sets);
    }
    case 'alt': return union(...n.branches.map(first));
    case 'rep': return n.max === 0 ? [] : first(n.body);
  }
}

/** Atoms tested before `n` either consumes its first character or gives up (an alternative failing costs this). */
function firstTests(n: Node): number {
  switch (n.k) {
    case 'char':
    case 'assert':
      return 1;
    case 'seq': {
      let t = 0;
      for (const x of n.items) {
        t += firstTests(x);
        if (!nullable(x)) break;
      }
      return t;
    }
    case 'alt': return n.branches.reduce((t, b) => t + firstTests(b), 0);
    case 'rep': return n.max === 0 ? 0 : firstTests(n.body);
  }
}

const CAP = 1e15;
const cap = (x: number) => Math.min(x, CAP);
/** 1 + w + w² + ... + w^(k-1) */
function geometric(w: number, k: number): number {
  let sum = 0;
  let term = 1;
  for (let j = 0; j < k && sum < CAP; j++) {
    sum += term;
    term = cap(term * w);
  }
  return cap(sum);
}

interface Cost {
  /** Ways a match of the node can end that the engine goes on from (each runs what follows). */
  readonly ways: number;
  /** Steps spent inside the node, over all of its ways, for one entry. */
  readonly steps: number;
}

class Analysis {
  /** The most ambiguous construct seen: its source and its number of ways. */
  worst?: { readonly at: number; readonly end: number; readonly ways: number };

  constructor(
    private readonly pattern: string,
    private readonly closure: (set: Ranges) => Ranges,
  ) {}

  private first(n: Node): Ranges {
    return this.closure(first(n));
  }

  private ambiguity(n: Node, ways: number): void {
    if (!this.worst || ways > this.worst.ways) this.worst = { at: n.at, end: n.end, ways };
  }

  /**
   * An upper bound on the work of matching `n` at one position, given what can follow it: `follow` (the
   * characters it can start with, after the case closure) and `followTests` (the atoms it tests first).
   */
  cost(n: Node, follow: Ranges, followTests: number): Cost {
    switch (n.k) {
      case 'char':
      case 'assert':
        return { ways: 1, steps: 1 };
      case 'seq': {
        // right to left: what follows each item; then steps(AB) = steps(A) + ways(A) * steps(B)
        const costs: Cost[] = [];
        let f = follow;
        let ft = followTests;
        for (let j = n.items.length - 1; j >= 0; j--) {
          const x = n.items[j];
          costs[j] = this.cost(x, f, ft);
          f = nullable(x) ? union(this.first(x), f) : this.first(x);
          ft = firstTests(x) + (nullable(x) ? ft : 0);
        }
        let ways = 1;
        let steps = 0;
        for (let j = costs.length - 1; j >= 0; j--) {
          steps = cap(costs[j].steps + costs[j].ways * steps);
          ways = cap(ways * costs[j].ways);
        }
        return { ways, steps };
      }
      case 'alt': {
        const costs = n.branches.map((b) => this.cost(b, follow, followTests));
        const starts = n.branches.map((b) => (nullable(b) ? union(this.first(b), follow) : this.first(b)));
        const disjoint = starts.every((s, a) => starts.every((t, b) => b <= a || !overlaps(s, t)));
        if (disjoint) {
          // one alternative gets past the first character; the others fail on it
          const tests = n.branches.reduce((t, b) => t + firstTests(b), 0);
          const best = Math.max(...costs.map((c, j) => c.steps - firstTests(n.branches[j])));
          return { ways: Math.max(...costs.map((c) => c.ways)), steps: cap(best + tests) };
        }
        const ways = cap(costs.reduce((w, c) => w + c.ways, 0));
        this.ambiguity(n, ways);
        return { ways, steps: cap(costs.reduce((s, c) => s + c.steps, 0)) };
      }
      case 'rep': {
        if (n.max === 0) return { ways: 1, steps: 0 };
        if (nullable(n.body) && (n.max > 1 || n.min === 0)) fail(`a repetition of something that can match nothing: ${this.pattern.slice(n.at, n.end)}`);
        const again = this.first(n.body);
        const inner = this.cost(n.body, n.max > 1 ? union(again, follow) : follow, n.max > 1 ? firstTests(n.body) + followTests : followTests);
        const w = inner.ways;
        const entered = geometric(w, n.max); // entries of the body: 1 + w + ... + w^(max-1)
        if (n.min === n.max || !overlaps(again, follow)) {
          // at each count from min on, going on and stopping cannot both get past the next character
          const stops = geometric(w, n.max) - geometric(w, n.min);
          const ways = cap(w ** n.max);
          if (ways > 1) this.ambiguity(n, ways);
          return { ways, steps: cap(inner.steps * entered + stops * followTests) };
        }
        const ways = cap(geometric(w, n.max + 1) - geometric(w, n.min));
        this.ambiguity(n, ways);
        return { ways, steps: cap(inner.steps * entered) };
      }
    }
  }
}

function emit(n: Node): string {
  switch (n.k) {
    case 'char':
    case 'assert':
      return n.src;
    case 'seq': return n.items.map(emit).join('');
    case 'alt': return `(?:${n.branches.map(emit).join('|')})`;
    case 'rep': {
      const body = n.body.k === 'char' ? emit(n.body) : `(?:${emit(n.body)})`;
      return `${body}{${n.min},${n.max}}${n.lazy ? '?' : ''}`;
    }
  }
}

function compilePattern(pattern: string, caseInsensitive: boolean): BoundedPattern {
  if (pattern.length === 0) fail('an empty pattern');
  const parser = new Parser(pattern, caseInsensitive);
  const tree = parser.parse();
  const w = width(tree);
  if (w === 0) fail('a pattern that matches no characters');
  if (w > MAX_PATTERN_WIDTH) fail(`a pattern that can match ${w} characters (at most ${MAX_PATTERN_WIDTH}; lower the repetition counts)`);
  const analysis = new Analysis(pattern, parser.caseInsensitive ? caseClosure : (s) => s);
  const { steps } = analysis.cost(tree, [], 0);
  if (steps > MAX_PATTERN_STEPS) {
    const shown = (x: number) => (x >= CAP ? 'more than 10^15' : String(x));
    const cost = `up to ${shown(steps)} steps per match attempt, at most ${MAX_PATTERN_STEPS}`;
    const worst = analysis.worst;
    if (worst) {
      fail(
        `${pattern.slice(worst.at, worst.end)}, which a regex engine can match in ${shown(worst.ways)} ways and go on (alternatives, or a repetition and what ` +
          `follows it, that can match the same characters): ${cost}; end each repetition where a different character begins, e.g. [a-z]{1,16}-[0-9]{1,8}`,
      );
    }
    fail(`${cost} (use a class such as [abc] rather than a|b|c, or shorter repetitions)`);
  }
  const source = emit(tree);
  const flags = parser.caseInsensitive ? 'giu' : 'gu';
  try {
    new RegExp(source, flags);
  } catch (e) {
    return fail(`a pattern JavaScript cannot compile (${(e as Error).message})`);
  }
  return { source, flags, width: w, steps };
}
