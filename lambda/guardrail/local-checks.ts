/**
 * The guardrail's local checks: PII with redaction, secrets and prompt-injection patterns. A pure
 * function with no I/O that runs before and after the Bedrock guardrail (contract: docs/DESIGN.md,
 * "The guardrail's local checks").
 *
 * Every pattern is linear in the input: quantifiers are bounded (no `+`/`*` that can overlap with what
 * follows them, no nested unbounded repetition), and patterns that need a character the text does not
 * contain (`@`, a digit, `-----BEGIN`) are skipped with one `indexOf`/`test` first. Adversarial inputs
 * (64 KB of digits, `@`, whitespace or quotes) are part of the tests.
 */

/** What the local checks look for. */
export type FindingType =
  | 'EMAIL'
  | 'PHONE'
  | 'US_SSN'
  | 'CREDIT_CARD'
  | 'IBAN'
  | 'IP_ADDRESS'
  | 'AWS_ACCESS_KEY'
  | 'AWS_SECRET_KEY'
  | 'PRIVATE_KEY'
  | 'PROMPT_INJECTION';

/** One finding: its type and where it is in the input (`end` exclusive). */
export interface Finding {
  readonly type: string;
  readonly start: number;
  readonly end: number;
}

/** The result of {@link inspectText}. */
export interface Inspection {
  /** True when the text holds a secret or a prompt-injection pattern. */
  readonly blocked: boolean;
  /** Every finding, ordered by `start`. */
  readonly findings: Finding[];
  /** The input with each PII and secret finding replaced by `[TYPE]` (prompt-injection text is kept). */
  readonly redacted: string;
}

/** Types that block the request. */
export const BLOCKING_TYPES: readonly string[] = ['AWS_ACCESS_KEY', 'AWS_SECRET_KEY', 'PRIVATE_KEY', 'PROMPT_INJECTION'];

/** Types that are replaced by `[TYPE]` in `redacted`, in priority order when two findings overlap. */
const REDACTED_PRIORITY: readonly FindingType[] = [
  'PRIVATE_KEY',
  'AWS_SECRET_KEY',
  'AWS_ACCESS_KEY',
  'CREDIT_CARD',
  'IBAN',
  'US_SSN',
  'EMAIL',
  'IP_ADDRESS',
  'PHONE',
];

// --- patterns (all flags include `g`; every quantifier that can repeat is bounded) -----------------

const EMAIL = /(?<![A-Za-z0-9._%+-])[A-Za-z0-9._%+-]{1,64}@(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.){1,8}[A-Za-z]{2,24}(?![A-Za-z0-9-])/g;

// US SSN, dashed or spaced, excluding numbers the SSA never issues (000, 666, 9xx area; 00 group; 0000 serial).
const US_SSN = /(?<![\d-])(?!000|666|9\d\d)\d{3}([- ])(?!00)\d{2}\1(?!0000)\d{4}(?![\d-])/g;

// 13 to 19 digits, contiguous or printed the way cards are (4-4-4-4[-3], or Amex 4-6-5); Luhn decides.
const CARD = /(?<![\d-])(?:\d{13,19}|\d{4}([ -])\d{4}\1\d{4}\1\d{1,4}(?:\1\d{1,3})?|\d{4}([ -])\d{6}\2\d{4,5})(?!\d|[ -]\d)/g;

// Country code, check digits, then 11 to 30 alphanumerics optionally in groups of four; mod-97 decides.
const IBAN = /(?<![A-Za-z0-9])[A-Z]{2}\d{2}(?: ?[A-Z0-9]{1,4}){3,8}(?![A-Za-z0-9])/g;

const IPV4 = /(?<![\w.])(?:(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)\.){3}(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(?![\w]|\.\d)/g;
const IPV6 = /(?<![\w:])(?:[0-9A-Fa-f]{1,4}:){7}[0-9A-Fa-f]{1,4}(?![\w:])/g;

// International numbers with a leading +, or North-American numbers with separators or parentheses.
// Bare digit runs (order numbers, ids) are not phone numbers.
const PHONE_INTL = /(?<![\w+])\+\d{1,3}[ .-]?(?:\(\d{1,4}\)[ .-]?)?\d{1,4}(?:[ .-]\d{2,4}){1,4}(?![\w-])/g;
const PHONE_NANP = /(?<![\w.+-])(?:\(\d{3}\) ?|\d{3}[ .-])\d{3}[ .-]\d{4}(?![\w-])/g;

const AWS_ACCESS_KEY = /(?<![A-Z0-9])(?:AKIA|ASIA|AGPA|AIDA|AROA|ANPA|ANVA|AIPA)[A-Z0-9]{16}(?![A-Z0-9])/g;
// 40 characters of the secret-key alphabet standing alone, with upper, lower and digit and a / or +.
const AWS_SECRET_TOKEN = /(?<![A-Za-z0-9/+=])[A-Za-z0-9/+]{40}(?![A-Za-z0-9/+=])/g;
// ...or any 40-character token right after a name that says it is one.
const AWS_SECRET_NAMED = /(?:aws_?secret_?(?:access_?)?key|secret_?access_?key)["']?\s{0,4}[:=]\s{0,4}["']?([A-Za-z0-9/+]{40})(?![A-Za-z0-9/+])/gi;

const PRIVATE_KEY_BEGIN = /-----BEGIN (?:[A-Z0-9]{1,16} ){0,3}PRIVATE KEY(?: BLOCK)?-----/g;
const PRIVATE_KEY_END = /-----END (?:[A-Z0-9]{1,16} ){0,3}PRIVATE KEY(?: BLOCK)?-----/g;

// Instruction-override phrases. Words are separated by at most a few spaces or punctuation marks.
const S = '[\\s,.:;\'"-]{1,4}';
const INJECTION_PATTERNS: readonly RegExp[] = [
  new RegExp(
    `\\b(?:ignore|disregard|forget|override|bypass|skip)${S}(?:(?:all|any|every|each|of|the|your|my|these|those|previous|prior|above|earlier|preceding|original|initial|system|safety|existing)${S}){0,4}(?:instructions?|prompts?|rules|directions|guidelines|guardrails|constraints|polic(?:y|ies)|programming|context)\\b`,
    'gi',
  ),
  new RegExp(
    `\\b(?:reveal|show|print|display|repeat|output|leak|dump|tell${S}me)${S}(?:(?:me|us|your|the|all|of|entire|full|complete|hidden|secret|original|initial|internal)${S}){0,4}(?:system|hidden|initial|original|developer|internal)${S}(?:prompt|instructions|message|rules)\\b`,
    'gi',
  ),
  new RegExp(`\\byou${S}are${S}now${S}(?:(?:a|an|in|the)${S}){0,2}(?:DAN|jailbroken|unfiltered|uncensored|unrestricted|developer${S}mode|evil)\\b`, 'gi'),
  new RegExp(`\\b(?:enable|enter|activate|switch${S}to)${S}(?:(?:the)${S})?(?:developer|god|jailbreak|DAN)${S}mode\\b`, 'gi'),
  new RegExp(`\\b(?:do${S}anything${S}now|jailbreak(?:ed)?${S}(?:mode|prompt))\\b`, 'gi'),
  new RegExp(
    `\\b(?:pretend|act${S}as${S}if|imagine)${S}(?:(?:that|you|are|to|be|have|an?|the)${S}){0,4}(?:no|without)${S}(?:(?:any|content|safety|ethical|moral)${S}){0,2}(?:restrictions|filters|rules|guidelines|limits|guardrails)\\b`,
    'gi',
  ),
  /<\|?(?:im_start|im_end|system|endoftext)\|?>|\[\/?INST\]|<<\/?SYS>>/gi,
];

// --- helpers -----------------------------------------------------------------------------------------

function* matches(re: RegExp, text: string): Generator<RegExpExecArray> {
  re.lastIndex = 0;
  let m: RegExpExecArray | null;
  while ((m = re.exec(text)) !== null) {
    yield m;
    if (m[0].length === 0) re.lastIndex++;
  }
}

/** Luhn checksum over the digits of `s` (other characters ignored). */
export function luhnValid(s: string): boolean {
  let sum = 0;
  let double = false;
  let digits = 0;
  for (let i = s.length - 1; i >= 0; i--) {
    const c = s.charCodeAt(i) - 48;
    if (c < 0 || c > 9) continue;
    digits++;
    let d = c;
    if (double) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
    double = !double;
  }
  return digits >= 13 && digits <= 19 && sum % 10 === 0;
}

/** ISO 13616 mod-97 check of an IBAN (spaces ignored). */
export function ibanValid(s: string): boolean {
  const iban = s.replace(/ /g, '');
  if (iban.length < 15 || iban.length > 34) return false;
  const rearranged = iban.slice(4) + iban.slice(0, 4);
  let rem = 0;
  for (let i = 0; i < rearranged.length; i++) {
    const code = rearranged.charCodeAt(i);
    const value = code >= 65 && code <= 90 ? code - 55 : code - 48;
    rem = value > 9 ? (rem * 100 + value) % 97 : (rem * 10 + value) % 97;
  }
  return rem === 1;
}

function hasDigit(text: string): boolean {
  return /\d/.test(text);
}

function looksLikeSecretKey(token: string): boolean {
  return /[A-Z]/.test(token) && /[a-z]/.test(token) && /\d/.test(token) && /[/+]/.test(token);
}

// --- the checks ---------------------------------------------------------------------------------------

function candidates(text: string): Finding[] {
  const out: Finding[] = [];
  const add = (type: FindingType, start: number, end: number) => out.push({ type, start, end });

  if (text.indexOf('@') >= 0) {
    for (const m of matches(EMAIL, text)) add('EMAIL', m.index, m.index + m[0].length);
  }
  if (hasDigit(text)) {
    for (const m of matches(US_SSN, text)) add('US_SSN', m.index, m.index + m[0].length);
    for (const m of matches(CARD, text)) if (luhnValid(m[0])) add('CREDIT_CARD', m.index, m.index + m[0].length);
    for (const m of matches(IBAN, text)) if (ibanValid(m[0])) add('IBAN', m.index, m.index + m[0].length);
    for (const m of matches(IPV4, text)) add('IP_ADDRESS', m.index, m.index + m[0].length);
    if (text.indexOf('+') >= 0) for (const m of matches(PHONE_INTL, text)) add('PHONE', m.index, m.index + m[0].length);
    for (const m of matches(PHONE_NANP, text)) add('PHONE', m.index, m.index + m[0].length);
    for (const m of matches(AWS_ACCESS_KEY, text)) add('AWS_ACCESS_KEY', m.index, m.index + m[0].length);
    for (const m of matches(AWS_SECRET_TOKEN, text)) if (looksLikeSecretKey(m[0])) add('AWS_SECRET_KEY', m.index, m.index + m[0].length);
    for (const m of matches(AWS_SECRET_NAMED, text)) {
      const start = m.index + m[0].length - m[1].length;
      add('AWS_SECRET_KEY', start, start + m[1].length);
    }
  }
  if (text.indexOf(':') >= 0) {
    for (const m of matches(IPV6, text)) add('IP_ADDRESS', m.index, m.index + m[0].length);
  }
  if (text.indexOf('-----BEGIN') >= 0) {
    for (const m of matches(PRIVATE_KEY_BEGIN, text)) {
      // The finding covers the whole block when its END line follows, else the header only.
      PRIVATE_KEY_END.lastIndex = m.index + m[0].length;
      const end = PRIVATE_KEY_END.exec(text);
      const stop = end ? end.index + end[0].length : m.index + m[0].length;
      add('PRIVATE_KEY', m.index, stop);
      PRIVATE_KEY_BEGIN.lastIndex = stop;
    }
  }
  return out;
}

function injections(text: string): Finding[] {
  const out: Finding[] = [];
  for (const re of INJECTION_PATTERNS) {
    for (const m of matches(re, text)) out.push({ type: 'PROMPT_INJECTION', start: m.index, end: m.index + m[0].length });
  }
  return out;
}

/** Keeps, in priority order, each candidate that does not overlap one already kept. */
function resolveOverlaps(found: Finding[]): Finding[] {
  const rank = (t: string) => REDACTED_PRIORITY.indexOf(t as FindingType);
  const byPriority = [...found].sort((a, b) => rank(a.type) - rank(b.type) || b.end - b.start - (a.end - a.start) || a.start - b.start);
  const kept: Finding[] = [];
  for (const f of byPriority) {
    if (!kept.some((k) => f.start < k.end && k.start < f.end)) kept.push(f);
  }
  return kept;
}

/**
 * Inspects a prompt or a model response: PII (email, phone, US SSN, Luhn-valid card numbers, mod-97-valid
 * IBANs, IP addresses), secrets (AWS access and secret keys, PEM private keys) and prompt-injection
 * phrases. Pure, synchronous, linear in the length of the text.
 */
export function inspectText(text: string): Inspection {
  if (typeof text !== 'string' || text.length === 0) return { blocked: false, findings: [], redacted: typeof text === 'string' ? text : '' };
  const redactable = resolveOverlaps(candidates(text)).sort((a, b) => a.start - b.start);
  const injected = injections(text);
  const findings = [...redactable, ...injected].sort((a, b) => a.start - b.start || a.end - b.end);

  let redacted = text;
  if (redactable.length > 0) {
    const parts: string[] = [];
    let at = 0;
    for (const f of redactable) {
      parts.push(text.slice(at, f.start), `[${f.type}]`);
      at = f.end;
    }
    parts.push(text.slice(at));
    redacted = parts.join('');
  }
  return { blocked: findings.some((f) => BLOCKING_TYPES.includes(f.type)), findings, redacted };
}
