/**
 * Phone numbers: a linear pre-scan finds candidate spans (a `+`, `00` or `tel:` prefix, or digit groups shaped
 * like a national number, or digits after a word like "phone"), then `libphonenumber-js` judges each
 * candidate. `findPhoneNumbersInText` is not used: it costs ~240 ms on 32 KB of adversarial text.
 *
 * The filter errs on the side of hiding: a number with a valid country code and a possible length is
 * redacted even in a range reserved for fiction (US 555-01xx, UK 07700 900xxx). The number of library calls
 * per text is bounded ({@link LIBRARY_CALL_BUDGET}); past the budget, well-shaped candidates are redacted
 * without asking the library, so the time stays linear whatever the input.
 */
import { CountryCode, parsePhoneNumberFromString } from 'libphonenumber-js/min';
import type { Span } from './pii';

/** At most this many library calls per inspected text; later candidates are judged by their shape alone. */
export const LIBRARY_CALL_BUDGET = 100;

/** Regions with a national trunk prefix `0` tried for numbers written nationally (besides the default region). */
const TRUNK_ZERO_REGIONS: readonly CountryCode[] = ['GB', 'DE', 'FR', 'IN', 'IT', 'NL', 'AU', 'AT', 'CH', 'BE', 'IE', 'NZ', 'ZA', 'JP', 'BR', 'TR', 'SE'];

/** Words right before a number that make it a phone number. */
const PHONE_CONTEXT =
  /(?:phone|toll[ -]?free|freephone|tel|telephone|call|calling|mobile|cell|cellphone|whats ?app|signal|fax|sms|text me|text us|ring|dial|hotline|helpline|contact(?: number)?|reach (?:me|us|him|her)|(?:my|his|her|their|our|your) (?:number|no\.?)|ph|mob|handy|telefon|tel[eé]fono|t[eé]l[eé]phone|portable|celular|m[oó]vil|numero|n[uú]mero|nummer|rufnummer|cellulare|telemovel|电话|手机|電話|携帯|番号|телефон|номер)\W{0,12}$/i;

const DATE_SHAPE = /^(?:\d{4}[-./]\d{1,2}[-./]\d{1,2}|\d{1,2}[-./]\d{1,2}[-./]\d{2,4})$/;

function isDigit(c: number): boolean {
  return c >= 48 && c <= 57;
}
function isSeparator(c: number): boolean {
  return c === 32 || c === 45 || c === 46 || c === 47 || c === 10 || c === 13 || c === 9;
}
function isAlnum(c: number): boolean {
  return isDigit(c) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122);
}

interface Candidate {
  readonly start: number;
  /** End of each digit group (exclusive), in order. */
  readonly groupEnds: number[];
  /** Digits of each group. */
  readonly groups: string[];
  /** `+`, `00` or `tel:+`: the number carries its country code. */
  readonly international: boolean;
  /** The first group was in parentheses (`(415) 555-0132`). */
  readonly parenthesized: boolean;
  /** `tel:` prefix. */
  readonly tel: boolean;
}

/** Options of {@link findPhones}. */
export interface PhoneOptions {
  /** Region for numbers written without a country code (ISO 3166 alpha-2). */
  readonly defaultRegion: CountryCode;
}

const cache = new Map<string, boolean>();

function judged(key: string, calls: { n: number }, fallback: boolean, judge: () => boolean): boolean {
  const hit = cache.get(key);
  if (hit !== undefined) return hit;
  if (calls.n >= LIBRARY_CALL_BUDGET) return fallback;
  calls.n++;
  let v: boolean;
  try {
    v = judge();
  } catch {
    v = false;
  }
  if (cache.size > 10_000) cache.clear();
  cache.set(key, v);
  return v;
}

function possibleIn(number: string, region: CountryCode | undefined): boolean {
  const p = parsePhoneNumberFromString(number, region);
  return p !== undefined && p.isPossible();
}

function validIn(number: string, region: CountryCode): boolean {
  const p = parsePhoneNumberFromString(number, region);
  return p !== undefined && p.isValid();
}

/** Reads a candidate at `i` (a `+`, `(`, or a digit at a word boundary); undefined when there is none. */
function readCandidate(text: string, i: number): Candidate | undefined {
  let p = i;
  let international = false;
  let tel = false;
  if (text.startsWith('tel:', p) || text.startsWith('TEL:', p)) {
    tel = true;
    p += 4;
    while (p < text.length && text.charCodeAt(p) === 32 && p - i < 6) p++;
  }
  if (text.charCodeAt(p) === 43) {
    international = true;
    p++;
    while (p < text.length && text.charCodeAt(p) === 32 && p - i < 7) p++;
  } else if (text.startsWith('00', p) && isDigit(text.charCodeAt(p + 2)) && text.charCodeAt(p + 2) !== 48) {
    international = true;
  }
  const groups: string[] = [];
  const groupEnds: number[] = [];
  let parenthesized = false;
  let digits = 0;
  const maxDigits = international ? 17 : 13;
  for (;;) {
    let open = false;
    if (text.charCodeAt(p) === 40) {
      open = true;
      p++;
    }
    const gs = p;
    while (p < text.length && isDigit(text.charCodeAt(p)) && p - gs < 15) p++;
    if (p === gs) break;
    const g = text.slice(gs, p);
    if (digits + g.length > maxDigits) break;
    if (open) {
      if (text.charCodeAt(p) !== 41) break;
      p++;
      if (groups.length === 0) parenthesized = true;
    }
    if (open && g === '0' && international && groups.length > 0) {
      // `+44 (0) 20 ...`: the trunk prefix in parentheses is not dialled from abroad
      groupEnds[groupEnds.length - 1] = p;
    } else {
      groups.push(g);
      groupEnds.push(p);
      digits += g.length;
    }
    if (groups.length >= 20) break;
    // separators: one to three of space, tab, new line, '-', '.', '/', or a space before '('
    let k = p;
    while (k < text.length && k - p < 3 && isSeparator(text.charCodeAt(k))) k++;
    if (k < text.length && (isDigit(text.charCodeAt(k)) || (text.charCodeAt(k) === 40 && isDigit(text.charCodeAt(k + 1))))) {
      // a '.' or '/' separator only between digit groups of a consistent number, not after a sentence
      if (k - p === 2 && text.charCodeAt(p) === 46 && text.charCodeAt(p + 1) === 32) break;
      p = k;
      continue;
    }
    break;
  }
  if (groups.length === 0) return undefined;
  return { start: i, groupEnds, groups, international, parenthesized, tel };
}

/** Whether the first `n` groups of a candidate are a phone number. */
function judge(text: string, c: Candidate, n: number, options: PhoneOptions, calls: { n: number }): boolean {
  const groups = c.groups.slice(0, n);
  const digits = groups.join('');
  if (digits.length < 7) return false;
  const sep = text.slice(c.start, c.groupEnds[n - 1]);
  if (c.international) {
    const e164 = c.groups[0].startsWith('00') && !text.startsWith('+', c.start) ? `+${digits.slice(2)}` : `+${digits}`;
    if (e164.length - 1 < 8 || e164.length - 1 > 15) return false;
    return judged(`+|${e164}`, calls, true, () => possibleIn(e164, undefined));
  }
  if (DATE_SHAPE.test(sep)) return false;
  const lengths = groups.map((g) => g.length);
  const oneDigitGroups = lengths.filter((l, i) => l === 1 && !(i === 0 && groups[0] === '1')).length;
  const contextual = c.tel || PHONE_CONTEXT.test(text.slice(Math.max(0, c.start - 40), c.start));
  // NANP: (415) 555-0132, 415-555-0132, 1-800-555-0199
  const nanp = nanpShape(groups, c.parenthesized);
  if (nanp) return judged(`US|${digits}`, calls, true, () => possibleIn(digits, 'US'));
  if (oneDigitGroups > 0 && !contextual) return false;
  const region = options.defaultRegion;
  if (n === 1 && !contextual) return false; // bare digits: an order number as often as a phone number
  if (digits.length > 13) return false;
  // A national number with its trunk prefix 0 (UK, DE, FR, IN ...): valid somewhere, or possible here.
  if (digits[0] === '0' && digits[1] !== '0' && digits.length >= 9 && digits.length <= 12) {
    return judged(`0|${region}|${digits}`, calls, true, () => possibleIn(digits, region) || TRUNK_ZERO_REGIONS.some((r) => possibleIn(digits, r) && (validIn(digits, r) || r === 'GB')));
  }
  // Indian mobile numbers: 98765 43210
  if (digits.length === 10 && /^[6-9]/.test(digits) && lengths.join(',') === '5,5') {
    return judged(`IN|${digits}`, calls, true, () => validIn(digits, 'IN'));
  }
  if (!contextual) return judged(`V|${region}|${digits}`, calls, false, () => c.parenthesized && validIn(digits, region));
  return judged(`C|${region}|${digits}`, calls, digits.length >= 8, () => possibleIn(digits, region) || TRUNK_ZERO_REGIONS.some((r) => validIn(digits, r)));
}

function nanpShape(groups: string[], parenthesized: boolean): boolean {
  let g = groups;
  if (g.length === 4 && g[0] === '1') g = g.slice(1);
  if (g.length !== 3 || g[0].length !== 3 || g[1].length !== 3 || g[2].length !== 4) return false;
  void parenthesized;
  return /^[2-9]/.test(g[0]) && /^[2-9]/.test(g[1]);
}

/** Phone numbers in `text` (the base view). */
export function findPhones(text: string, options: PhoneOptions, out: Span[]): void {
  const calls = { n: 0 };
  for (let i = 0; i < text.length; ) {
    const c = text.charCodeAt(i);
    const prev = i > 0 ? text.charCodeAt(i - 1) : 32;
    const startChar = c === 43 || c === 40 || isDigit(c) || ((c === 116 || c === 84) && text.startsWith(':', i + 3) && /^tel:/i.test(text.slice(i, i + 4)));
    // not inside a word, a decimal, a path or a longer number
    const boundary = !isAlnum(prev) && prev !== 43 && !((prev === 45 || prev === 46 || prev === 47 || prev === 58 || prev === 95) && i > 1 && isAlnum(text.charCodeAt(i - 2)));
    // a number starts where a run of digit groups starts (not at `0044` inside an account number)
    const midRun = (prev === 32 || prev === 45 || prev === 46 || prev === 47) && i > 1 && isDigit(text.charCodeAt(i - 2));
    if (midRun && c !== 43) {
      i++;
      continue;
    }
    if (!startChar || !boundary) {
      i++;
      continue;
    }
    const cand = readCandidate(text, i);
    if (!cand) {
      i++;
      continue;
    }
    const last = cand.groupEnds.length;
    const runEnd = cand.groupEnds[last - 1];
    // glued to letters or more digits: a code, not a number
    const after = runEnd < text.length ? text.charCodeAt(runEnd) : 32;
    let found = -1;
    if (!isAlnum(after) && after !== 64) {
      for (let n = last; n >= 1 && n >= last - 3; n--) {
        if (judge(text, cand, n, options, calls)) {
          found = n;
          break;
        }
      }
    }
    if (found > 0) {
      out.push({ type: 'PHONE', start: cand.start, end: cand.groupEnds[found - 1] });
      i = cand.groupEnds[found - 1];
    } else {
      i = Math.max(i + 1, runEnd);
    }
  }
}

/** The regular expressions of this module (the tests check each is linear on adversarial input). */
export const PHONE_PATTERNS: readonly RegExp[] = [PHONE_CONTEXT, DATE_SHAPE];
