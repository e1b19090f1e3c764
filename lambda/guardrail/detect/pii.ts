/**
 * PII recognizers over the base view (see normalize.ts): e-mail addresses (also written `name [at] host
 * [dot] com`), payment cards (Luhn and scheme prefix), IBANs (country length and mod 97), US SSNs (issued
 * ranges), IPv4 (not version strings or section numbers) and IPv6 (compressed forms included).
 *
 * Every scanner is a single left-to-right pass with bounded look-around; the regular expressions used have
 * bounded quantifiers only (listed in {@link PII_PATTERNS} and checked by the tests).
 */
import { cardLengths, IBAN_LENGTHS, ibanValid, luhnValid, ssnValid } from './checksums';

/** A finding in view coordinates. */
export interface Span {
  readonly type: string;
  readonly start: number;
  readonly end: number;
}

function isDigit(c: number): boolean {
  return c >= 48 && c <= 57;
}
function isLetter(c: number): boolean {
  return (c >= 65 && c <= 90) || (c >= 97 && c <= 122);
}
function isAlnum(c: number): boolean {
  return isDigit(c) || isLetter(c);
}
function isLocalChar(c: number): boolean {
  // A-Z a-z 0-9 . _ % + - (the common e-mail local part)
  return isAlnum(c) || c === 46 || c === 95 || c === 37 || c === 43 || c === 45;
}
function isDomainChar(c: number): boolean {
  return isAlnum(c) || c === 45;
}

// --- digits typed one by one ------------------------------------------------------------------------

/**
 * Where digits are typed one by one (`4 1 1 1 1 1 ...`, `6 5 0-2 5 3-...`), the spaces between single digits,
 * else undefined. A run needs at least six such spaces, so `page 3 4` or a list of small numbers stays as it is.
 */
export function spreadDigitSpaces(text: string): number[] | undefined {
  let out: number[] | undefined;
  let run: number[] = [];
  const flush = () => {
    if (run.length >= 6) {
      out ??= [];
      for (const r of run) out.push(r);
    }
    run = [];
  };
  for (let i = 1; i + 1 < text.length; i++) {
    if (text.charCodeAt(i) !== 32) continue;
    const single = isDigit(text.charCodeAt(i - 1)) && isDigit(text.charCodeAt(i + 1)) && !isDigit(text.charCodeAt(i - 2)) && !(i + 2 < text.length && isDigit(text.charCodeAt(i + 2)));
    if (single) run.push(i);
    else if (!(isDigit(text.charCodeAt(i - 1)) || text.charCodeAt(i - 1) === 45 || text.charCodeAt(i + 1) === 45)) flush();
  }
  flush();
  return out;
}

// --- e-mail -------------------------------------------------------------------------------------------

/** `[at]`, `(at)`, `{at}`, `<at>`, ` @ `, and bare ` at ` (only where the text talks about mail). */
const OBFUSCATED_AT = /\s{0,3}[[({<]\s{0,2}(?:at|@)\s{0,2}[\])}>]\s{0,3}|\s{1,3}@\s{0,3}|@\s{1,3}|\s{1,3}at\s{1,3}/gi;
/** A separator between domain labels: `.`, ` . `, `[dot]`, `(dot)`, ` dot `. */
const OBFUSCATED_DOT = /\s{0,3}[[({<]\s{0,2}(?:dot|\.)\s{0,2}[\])}>]\s{0,3}|\s{1,3}(?:dot|\.)\s{1,3}|\./iy;
const MAIL_CONTEXT = /(?:e-?mail|mail|contact|reach|write|send|address|correo|courriel|e-?post)/i;

/** Reads a domain (`label(.label)+`) at `from`; returns its end or -1. `dots` reads obfuscated dots too. */
function readDomain(text: string, from: number, dots: boolean): number {
  let i = from;
  let labels = 0;
  let lastLabelStart = from;
  let end = -1;
  for (;;) {
    const labelStart = i;
    while (i < text.length && i - labelStart < 63 && isDomainChar(text.charCodeAt(i))) i++;
    if (i === labelStart || i - from > 253) break;
    labels++;
    lastLabelStart = labelStart;
    if (labels >= 2 && isTld(text, labelStart, i)) end = i;
    if (labels >= 8) break;
    // a separator
    if (text.charCodeAt(i) === 46 && i + 1 < text.length && isDomainChar(text.charCodeAt(i + 1))) {
      i++;
      continue;
    }
    if (!dots) break;
    OBFUSCATED_DOT.lastIndex = i;
    const m = OBFUSCATED_DOT.exec(text);
    if (!m || m[0].length === 0 || !(i + m[0].length < text.length && isDomainChar(text.charCodeAt(i + m[0].length)))) break;
    i += m[0].length;
  }
  void lastLabelStart;
  return end;
}

function isTld(text: string, start: number, end: number): boolean {
  const n = end - start;
  if (n < 2 || n > 24) return false;
  if (text.startsWith('xn--', start)) return true;
  for (let i = start; i < end; i++) if (!isLetter(text.charCodeAt(i))) return false;
  return true;
}

/** Reads a local part ending just before `at`; returns its start or -1. */
function readLocal(text: string, at: number): number {
  let i = at;
  while (i > 0 && at - i < 64 && isLocalChar(text.charCodeAt(i - 1))) i--;
  if (i > 0 && isLocalChar(text.charCodeAt(i - 1))) return -1; // longer than 64
  while (i < at && text.charCodeAt(i) === 46) i++; // not starting with a dot
  if (i === at || text.charCodeAt(at - 1) === 46) return -1;
  return i;
}

/** E-mail addresses, plain and obfuscated. */
export function findEmails(text: string, out: Span[]): void {
  if (text.indexOf('@') >= 0) {
    for (let at = text.indexOf('@'); at >= 0; at = text.indexOf('@', at + 1)) {
      const start = readLocal(text, at);
      if (start < 0) continue;
      const end = readDomain(text, at + 1, false);
      if (end < 0) continue;
      if (end < text.length && (isDomainChar(text.charCodeAt(end)) || text.charCodeAt(end) === 64)) continue;
      out.push({ type: 'EMAIL', start, end });
      at = end - 1;
    }
  }
  OBFUSCATED_AT.lastIndex = 0;
  for (let m = OBFUSCATED_AT.exec(text); m; m = OBFUSCATED_AT.exec(text)) {
    const sep = m[0];
    if (sep.trim() === '@' && sep.length === 1) continue; // plain, done above
    const start = readLocal(text, m.index);
    if (start < 0) continue;
    const bare = /^\s+at\s+$/i.test(sep);
    if (bare && !MAIL_CONTEXT.test(text.slice(Math.max(0, start - 40), start))) continue;
    const end = readDomain(text, m.index + sep.length, true);
    if (end < 0) continue;
    if (end < text.length && isDomainChar(text.charCodeAt(end))) continue;
    out.push({ type: 'EMAIL', start, end });
    OBFUSCATED_AT.lastIndex = Math.max(OBFUSCATED_AT.lastIndex, end);
  }
}

// --- digit groups (cards) -----------------------------------------------------------------------------

function isGroupSeparator(c: number): boolean {
  // space, tab, new line, carriage return, '-', '.', '_'
  return c === 32 || c === 9 || c === 10 || c === 13 || c === 45 || c === 46 || c === 95;
}

/** Payment card numbers: 13 to 19 digits, grouped any way, Luhn-valid and with a scheme's prefix and length. */
export function findCards(text: string, out: Span[]): void {
  const groups: number[] = []; // start, end pairs
  let i = 0;
  while (i < text.length) {
    const c = text.charCodeAt(i);
    // a card may follow a word directly (`visa4111...`), never another digit
    if (!isDigit(c) || (i > 0 && isDigit(text.charCodeAt(i - 1)))) {
      i++;
      continue;
    }
    // A run of digit groups separated by at most three separator characters.
    groups.length = 0;
    let j = i;
    for (;;) {
      const gs = j;
      while (j < text.length && isDigit(text.charCodeAt(j))) j++;
      groups.push(gs, j);
      let k = j;
      while (k < text.length && k - j < 3 && isGroupSeparator(text.charCodeAt(k))) k++;
      if (k === j || k >= text.length || !isDigit(text.charCodeAt(k))) break;
      j = k;
    }
    const runEnd = j;
    // glued to a word (`visa4111...`): only a long first group, not the digits of an identifier (`DK50 ...`)
    if (i > 0 && isLetter(text.charCodeAt(i - 1)) && groups[1] - groups[0] < 4) {
      i = runEnd + 1;
      continue;
    }
    // A letter glued to the end (a product code) is not a card.
    const gluedEnd = runEnd < text.length && isLetter(text.charCodeAt(runEnd));
    const n = groups.length / 2;
    for (let g = 0; g < n; ) {
      let digits = '';
      let best = -1;
      let lengths = -1; // the scheme's card lengths for this start (bit set), once four digits are known
      for (let h = g; h < n; h++) {
        const len = groups[2 * h + 1] - groups[2 * h];
        if (h > g && len > 6) break;
        if (h === g && len > 19) break;
        digits += text.slice(groups[2 * h], groups[2 * h + 1]);
        if (digits.length > 19) break;
        if (h === g && len > 6 && len < 13) break;
        if (lengths < 0 && digits.length >= 4) {
          lengths = cardLengths(digits.slice(0, 4));
          if (lengths === 0) break;
        }
        if (digits.length >= 13 && (lengths & (1 << digits.length)) !== 0 && luhnValid(digits) && !(h === n - 1 && gluedEnd)) best = h;
      }
      if (best >= 0) {
        out.push({ type: 'CREDIT_CARD', start: groups[2 * g], end: groups[2 * best + 1] });
        g = best + 1;
      } else g++;
    }
    i = runEnd + 1;
  }
}

// --- US SSN -------------------------------------------------------------------------------------------

const SSN = /(?<![\d-])(\d{3})[-. /\n\t]{1,2}(\d{2})[-. /\n\t]{1,2}(\d{4})(?!\d|[-.]\d)/g;
const SSN_BARE = /(?<![\d-])(\d{3})(\d{2})(\d{4})(?![\d-])/g;
const SSN_CONTEXT = /(?:ssn|social security|soc\.? ?sec|ss ?#|ss no|taxpayer id|\bitin\b|sozialversicherung|seguro social)/i;

/** US SSNs in issued ranges: `123-45-6789`, `123 45 6789`, `123.45.6789`, or nine digits after a context word. */
export function findSsns(text: string, out: Span[]): void {
  SSN.lastIndex = 0;
  for (let m = SSN.exec(text); m; m = SSN.exec(text)) {
    if (ssnValid(m[1], m[2], m[3])) out.push({ type: 'US_SSN', start: m.index, end: m.index + m[0].length });
  }
  SSN_BARE.lastIndex = 0;
  for (let m = SSN_BARE.exec(text); m; m = SSN_BARE.exec(text)) {
    if (ssnValid(m[1], m[2], m[3]) && SSN_CONTEXT.test(text.slice(Math.max(0, m.index - 50), m.index))) {
      out.push({ type: 'US_SSN', start: m.index, end: m.index + m[0].length });
    }
  }
}

// --- IBAN ---------------------------------------------------------------------------------------------

const IBAN_START = /(?<![A-Za-z0-9])[A-Za-z]{2}\d{2}/g;

/** IBANs: a known country, exactly its length of characters (separators between them allowed), mod 97. */
export function findIbans(text: string, out: Span[]): void {
  IBAN_START.lastIndex = 0;
  for (let m = IBAN_START.exec(text); m; m = IBAN_START.exec(text)) {
    const length = IBAN_LENGTHS[m[0].slice(0, 2).toUpperCase()];
    if (length === undefined) continue;
    let i = m.index;
    let chars = '';
    while (i < text.length && chars.length < length) {
      const c = text.charCodeAt(i);
      if (isAlnum(c)) {
        chars += text[i];
        i++;
        continue;
      }
      // at most two separators between characters
      let k = i;
      while (k < text.length && k - i < 2 && isGroupSeparator(text.charCodeAt(k))) k++;
      if (k === i || k >= text.length || !isAlnum(text.charCodeAt(k))) break;
      i = k;
    }
    if (chars.length !== length) continue;
    if (i < text.length && isAlnum(text.charCodeAt(i))) continue;
    if (ibanValid(chars)) {
      out.push({ type: 'IBAN', start: m.index, end: i });
      IBAN_START.lastIndex = i;
    }
  }
}

// --- IP addresses -------------------------------------------------------------------------------------

const IPV4 = /(?<![\w.])(?:(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)\.){3}(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(?:\/(?:3[0-2]|[12]?\d))?(?![\w]|\.\d)/g;
/** Words before a dotted number that make it a version, a section or a standard, not an address. */
const NOT_AN_ADDRESS_BEFORE = /(?:\bv|\bver|version|versions|release|build|firmware|patch|rev|revision|upgrade|update|downgrade|install|section|sections|sec|§|chapter|clause|article|art|paragraph|para|step|item|figure|fig|table|appendix|annex|part|rule|no|number|nr|iso|rfc|standard|oid|edition|kapitel|abschnitt|artikel|capitulo|seccion|articulo)\b[^\n.;]{0,24}$|(?:\bv|§)\s?$/i;
const ADDRESS_CONTEXT = /(?:\bip\b|ipv4|address|host|server|ping|ssh|dns|gateway|subnet|router|route|connect|vpn|firewall|proxy|nat\b|cidr|curl|http|port|node at|instance|machine|client|packet|traffic|whitelist|allowlist|blocklist|blacklist|tcp|udp|lan|wan)/i;

/** IPv4 addresses (with an optional CIDR suffix), except version strings and section numbers. */
export function findIpv4(text: string, out: Span[]): void {
  if (text.indexOf('.') < 0) return;
  IPV4.lastIndex = 0;
  for (let m = IPV4.exec(text); m; m = IPV4.exec(text)) {
    const before = text.slice(Math.max(0, m.index - 40), m.index);
    const around = text.slice(Math.max(0, m.index - 60), Math.min(text.length, m.index + m[0].length + 40));
    const context = ADDRESS_CONTEXT.test(around);
    if (!context && NOT_AN_ADDRESS_BEFORE.test(before)) continue;
    if (!context && m[0].split('/')[0].split('.').every((o) => o.length === 1)) continue; // 3.1.4.2
    out.push({ type: 'IP_ADDRESS', start: m.index, end: m.index + m[0].length });
  }
}

/** IPv4 written defanged (`192[.]168[.]1[.]1`, `10 . 0 . 0 . 1`, `10(dot)0(dot)0(dot)1`), as threat reports and evasions do. */
const IPV4_DEFANGED = /(?<![\w.])(\d{1,3})(?:\s{0,2}(?:\[\.\]|\(\.\)|\{\.\}|\[dot\]|\(dot\)|\s\.\s|\sdot\s|\.)\s{0,2}(\d{1,3})){3}(?![\w]|\s{0,2}(?:\[\.\]|\(\.\))\s{0,2}\d)/gi;

/** Defanged IPv4 addresses. */
export function findIpv4Defanged(text: string, out: Span[]): void {
  if (!/\[\.\]|\(\.\)|\{\.\}|dot|\d \. \d/i.test(text)) return;
  IPV4_DEFANGED.lastIndex = 0;
  for (let m = IPV4_DEFANGED.exec(text); m; m = IPV4_DEFANGED.exec(text)) {
    if (!/\[|\(|\{|dot|\s/i.test(m[0])) continue; // plain dotted: the IPv4 scanner's
    const octets = m[0].match(/\d{1,3}/g) ?? [];
    if (octets.length !== 4 || !octets.every((o) => Number(o) <= 255 && !(o.length > 1 && o.startsWith('0')))) continue;
    // `[.]`, `(dot)`: deliberately defanged; spaced dots only as an address would be (context, not a version)
    if (!/[[({]|dot/i.test(m[0])) {
      const around = text.slice(Math.max(0, m.index - 60), Math.min(text.length, m.index + m[0].length + 40));
      const context = ADDRESS_CONTEXT.test(around);
      if (!context && (NOT_AN_ADDRESS_BEFORE.test(text.slice(Math.max(0, m.index - 40), m.index)) || octets.every((o) => o.length === 1))) continue;
    }
    out.push({ type: 'IP_ADDRESS', start: m.index, end: m.index + m[0].length });
  }
}

function isHex(c: number): boolean {
  return isDigit(c) || (c >= 65 && c <= 70) || (c >= 97 && c <= 102);
}

/** True for a full or compressed IPv6 address (optionally ending in dotted IPv4). */
export function ipv6Valid(s: string): boolean {
  const double = s.indexOf('::');
  if (double >= 0 && s.indexOf('::', double + 1) >= 0) return false;
  let groups = 0;
  let hasDigit = false;
  const parts = s.split(':');
  for (let p = 0; p < parts.length; p++) {
    const part = parts[p];
    if (part === '') continue;
    if (p === parts.length - 1 && part.includes('.')) {
      if (!/^(?:(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)\.){3}(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)$/.test(part)) return false;
      groups += 2;
      hasDigit = true;
      continue;
    }
    if (part.length > 4 || !/^[0-9A-Fa-f]+$/.test(part)) return false;
    if (/\d/.test(part)) hasDigit = true;
    groups++;
  }
  if (!hasDigit) return false;
  if (double < 0) return groups === 8 && !s.startsWith(':') && !s.endsWith(':');
  // compressed: fewer than eight groups, at least two written (`fe80::1`), no stray single colons at the ends
  if (groups >= 8 || groups < 2) return false;
  if ((s.startsWith(':') && !s.startsWith('::')) || (s.endsWith(':') && !s.endsWith('::'))) return false;
  return true;
}

/** IPv6 addresses, full and compressed: maximal runs of hex digits, colons and dots, validated once each. */
export function findIpv6(text: string, out: Span[]): void {
  let i = text.indexOf(':');
  while (i >= 0) {
    let start = i;
    while (start > 0 && isV6Char(text.charCodeAt(start - 1))) start--;
    let end = i;
    let colons = 0;
    while (end < text.length && isV6Char(text.charCodeAt(end))) {
      if (text.charCodeAt(end) === 58) colons++;
      end++;
    }
    const next = end;
    // trim sentence punctuation and stray dots
    while (end > start && (text.charCodeAt(end - 1) === 46 || (text.charCodeAt(end - 1) === 58 && text.charCodeAt(end - 2) !== 58))) end--;
    while (start < end && text.charCodeAt(start) === 46) start++;
    if (colons >= 2 && end - start <= 45 && end - start >= 3) {
      const before = start > 0 ? text.charCodeAt(start - 1) : 32;
      const after = end < text.length ? text.charCodeAt(end) : 32;
      if (!isWordCode(before) && before !== 58 && !isWordCode(after) && ipv6Valid(text.slice(start, end))) out.push({ type: 'IP_ADDRESS', start, end });
    }
    i = next < text.length ? text.indexOf(':', next) : -1;
  }
}

function isV6Char(c: number): boolean {
  return isHex(c) || c === 58 || c === 46;
}

function isWordCode(c: number): boolean {
  return isAlnum(c) || c === 95;
}

/** The regular expressions of this module (the tests check each is linear on adversarial input). */
export const PII_PATTERNS: readonly RegExp[] = [IPV4_DEFANGED, OBFUSCATED_AT, OBFUSCATED_DOT, MAIL_CONTEXT, SSN, SSN_BARE, SSN_CONTEXT, IBAN_START, IPV4, NOT_AN_ADDRESS_BEFORE, ADDRESS_CONTEXT];
