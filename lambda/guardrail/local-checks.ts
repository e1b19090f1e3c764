/**
 * The guardrail's local checks: PII with redaction, secrets and prompt injection. A pure function with no I/O
 * that runs before and after the Bedrock guardrail (contract: DESIGN.md, "The guardrail's local checks").
 *
 * Normalize, detect, map back: detection runs on normalized copies of the text (detect/normalize.ts: NFKC,
 * invisible characters dropped, look-alike letters folded, leetspeak and letter spacing undone), and every
 * finding is mapped back through the copy's offset map, so `start`/`end` are UTF-16 offsets into the
 * ORIGINAL text and `redacted` replaces exactly the original characters.
 *
 * Linear time by construction: every scanner is a single pass with bounded look-around, every regular
 * expression has bounded quantifiers only (the tests check them one by one on adversarial input), custom
 * patterns are accepted only with bounded repetitions and a bounded number of steps per match attempt
 * (lib/guardrails/private/custom-pattern.ts, checked at synth and again here) and run on native RegExp, and
 * overlaps are resolved by sorting once and marking an occupancy map (no pairwise comparison).
 */
import type { CountryCode } from 'libphonenumber-js/min';
import { checkCustomPattern } from '../../lib/guardrails/private/custom-pattern';
import { ibanValid, luhnValid } from './detect/checksums';
import { decodedHasInjection, decodedSegments, findFakeTurns, findPhrases, findWordSignals } from './detect/injection';
import { baseView, withoutUnits, wordsView } from './detect/normalize';
import { findPhones } from './detect/phone';
import { findCards, findEmails, findIbans, findIpv4, findIpv4Defanged, findIpv6, findSsns, Span, spreadDigitSpaces } from './detect/pii';
import { findSecrets } from './detect/secrets';
import { TextView, toOriginal } from './detect/text-view';

export { ibanValid, luhnValid };

/** One finding: its type and where it is in the input (UTF-16 offsets into the original text, `end` exclusive). */
export interface Finding {
  readonly type: string;
  readonly start: number;
  readonly end: number;
}

/** The result of {@link inspectText}. */
export interface Inspection {
  /** True when a finding's action is BLOCK (by default: a secret or a prompt injection). */
  readonly blocked: boolean;
  /** Every finding, ordered by `start`. */
  readonly findings: Finding[];
  /** The input with each PII and secret finding replaced by `[TYPE]` (prompt-injection text is kept). */
  readonly redacted: string;
}

/** What happens to a finding of a type. */
export type LocalCheckAction = 'BLOCK' | 'REDACT' | 'ALLOW';

/** PII types: redacted by default. */
export const PII_TYPES: readonly string[] = ['EMAIL', 'PHONE', 'US_SSN', 'CREDIT_CARD', 'IBAN', 'IP_ADDRESS'];
/** Secret types: blocked (and redacted) by default. */
export const SECRET_TYPES: readonly string[] = [
  'AWS_ACCESS_KEY', 'AWS_SECRET_KEY', 'PRIVATE_KEY', 'GITHUB_TOKEN', 'SLACK_TOKEN', 'STRIPE_KEY', 'GCP_CREDENTIAL', 'AZURE_KEY', 'JWT', 'URL_CREDENTIALS', 'API_TOKEN',
];
/** Every built-in type (custom patterns add their own names). */
export const BUILT_IN_TYPES: readonly string[] = [...PII_TYPES, ...SECRET_TYPES, 'PROMPT_INJECTION', 'DENIED_WORD'];
/** Types that block the request by default. */
export const BLOCKING_TYPES: readonly string[] = [...SECRET_TYPES, 'PROMPT_INJECTION', 'DENIED_WORD'];

/** A pattern of the deployment's own (RE2 syntax), reported as `name`. */
export interface CustomPatternConfig {
  /** The finding type it reports. */
  readonly name: string;
  /**
   * The pattern, in RE2 syntax with bounded repetitions and a bounded cost per match attempt (the rule of
   * lib/guardrails/private/custom-pattern.ts), run on a native RegExp: linear time.
   */
  readonly pattern: string;
  /** What happens to a match. */
  readonly action: LocalCheckAction;
  /** Match regardless of case. @default false */
  readonly caseInsensitive?: boolean;
}

/** Per-deployment configuration of the local checks (GuardrailFunction passes it in `LOCAL_CHECKS`). */
export interface LocalCheckConfig {
  /** Action per finding type (built-in or custom); types not listed keep their default. */
  readonly actions?: { readonly [type: string]: LocalCheckAction };
  /** Values never reported: exact values (any case, spacing ignored), or domains for e-mail addresses and URLs. */
  readonly allowList?: readonly string[];
  /** Words and phrases reported as `DENIED_WORD` (whole words, any case, after normalization). */
  readonly deniedWords?: readonly string[];
  readonly customPatterns?: readonly CustomPatternConfig[];
  /** Region of phone numbers written without a country code (ISO 3166 alpha-2). @default 'US' */
  readonly phoneDefaultRegion?: string;
}

/** Redaction priority when two findings overlap (first wins; then the longer one). */
const PRIORITY: readonly string[] = [
  'PRIVATE_KEY', 'AWS_SECRET_KEY', 'AWS_ACCESS_KEY', 'URL_CREDENTIALS', 'JWT', 'STRIPE_KEY', 'GITHUB_TOKEN', 'SLACK_TOKEN', 'GCP_CREDENTIAL', 'AZURE_KEY',
  'API_TOKEN', 'IBAN', 'CREDIT_CARD', 'US_SSN', 'EMAIL', 'IP_ADDRESS', 'PHONE',
];

interface CompiledCustom {
  readonly name: string;
  readonly re: RegExp;
}

type Candidate = Finding;

function defaultAction(type: string): LocalCheckAction {
  return BLOCKING_TYPES.includes(type) ? 'BLOCK' : 'REDACT';
}

function compact(s: string): string {
  return s.toLowerCase().replace(/[\s\-().+]/g, '');
}

/** The local checks of one deployment, compiled once (per Lambda container) and applied to many texts. */
export class LocalChecks {
  private readonly actions = new Map<string, LocalCheckAction>();
  private readonly custom: CompiledCustom[] = [];
  private readonly denied?: RegExp;
  private readonly allowValues = new Set<string>();
  private readonly allowDomains: string[] = [];
  private readonly region: CountryCode;

  /**
   * Compiles a configuration; throws when a custom pattern breaks the rule synth checks (RE2 syntax, bounded
   * repetitions, bounded steps per match attempt): a broken deployment, never a pattern that could backtrack.
   */
  constructor(config: LocalCheckConfig = {}) {
    for (const [type, action] of Object.entries(config.actions ?? {})) this.actions.set(type, action);
    for (const p of config.customPatterns ?? []) {
      const verdict = checkCustomPattern(p.pattern, p.caseInsensitive ?? false);
      if (!verdict.ok) throw new Error(`custom pattern ${p.name}: not accepted (found ${verdict.problem})`);
      this.custom.push({ name: p.name, re: new RegExp(verdict.pattern.source, verdict.pattern.flags) });
      if (!this.actions.has(p.name)) this.actions.set(p.name, p.action);
    }
    const denied = (config.deniedWords ?? []).map((w) => wordsView(baseView(w)).text.trim()).filter((w) => w.length > 0);
    if (denied.length > 0) {
      const escaped = [...new Set(denied)].sort((a, b) => b.length - a.length).map((w) => w.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'));
      this.denied = new RegExp(`(?<![^ ])(?:${escaped.join('|')})(?![^ ])`, 'g');
    }
    for (const entry of config.allowList ?? []) {
      const e = entry.trim().toLowerCase();
      if (e.length === 0) continue;
      this.allowValues.add(compact(e));
      if (/^[a-z0-9-]+(?:\.[a-z0-9-]+)+$/.test(e)) this.allowDomains.push(e);
    }
    this.region = (config.phoneDefaultRegion ?? 'US').toUpperCase() as CountryCode;
  }

  /** The action for a finding type. */
  action(type: string): LocalCheckAction {
    return this.actions.get(type) ?? defaultAction(type);
  }

  private wants(...types: string[]): boolean {
    return types.some((t) => this.action(t) !== 'ALLOW');
  }

  /** Inspects a text. Pure, synchronous, linear in the length of the text; never throws on a string. */
  inspect(text: string): Inspection {
    if (typeof text !== 'string' || text.length === 0) return { blocked: false, findings: [], redacted: typeof text === 'string' ? text : '' };
    const base = baseView(text);
    const b = base.text;
    const spans: Span[] = [];
    if (this.wants('EMAIL')) findEmails(b, spans);
    const candidates: Candidate[] = [];
    const add = (view: TextView, s: Span) => {
      const o = toOriginal(view, s.start, s.end);
      if (o.end > o.start) candidates.push({ type: s.type, start: o.start, end: o.end });
    };
    if (/\d/.test(b)) {
      this.findNumbers(b, spans);
      // digits typed one by one: the same detectors on a copy without the spaces between them
      const spread = spreadDigitSpaces(b);
      if (spread) {
        const joined = withoutUnits(base, spread);
        const more: Span[] = [];
        this.findNumbers(joined.text, more);
        for (const s of more) add(joined, s);
      }
    }
    if (this.wants('IP_ADDRESS')) findIpv6(b, spans);
    if (this.wants(...SECRET_TYPES)) findSecrets(b, spans);

    for (const s of spans) add(base, s);

    if (this.wants('PROMPT_INJECTION')) {
      const words = wordsView(base);
      const phrases: (Span & { family: string })[] = [];
      findPhrases(words.text, phrases);
      for (const s of phrases) add(words, s);
      findWordSignals(words, [], add);
      if (words.scrambled && phrases.length === 0) {
        const unscrambled = wordsView(base, true);
        const more: (Span & { family: string })[] = [];
        findPhrases(unscrambled.text, more);
        for (const s of more) add(unscrambled, s);
      }
      const fake: Span[] = [];
      findFakeTurns(b, fake);
      for (const s of fake) add(base, s);
    }
    // Encoded segments: decoded once and scanned for injection and secrets; a hit covers the whole segment.
    if (b.length >= 16) {
      for (const seg of decodedSegments(b)) {
        let type: string | undefined;
        if (this.wants('PROMPT_INJECTION') && decodedHasInjection(seg.decoded)) type = 'PROMPT_INJECTION';
        else if (this.wants(...SECRET_TYPES)) {
          const inner: Span[] = [];
          findSecrets(baseView(seg.decoded).text, inner);
          // one finding for the segment: the most severe secret in it
          type = inner.map((s) => s.type).filter((t) => this.action(t) !== 'ALLOW').sort((a, b) => PRIORITY.indexOf(a) - PRIORITY.indexOf(b))[0];
        }
        if (type) add(base, { type, start: seg.start, end: seg.end });
      }
    }
    if (this.denied && this.wants('DENIED_WORD')) {
      const words = wordsView(base);
      this.denied.lastIndex = 0;
      for (let m = this.denied.exec(words.text); m; m = this.denied.exec(words.text)) add(words, { type: 'DENIED_WORD', start: m.index, end: m.index + m[0].length });
    }
    for (const c of this.custom) {
      if (this.action(c.name) === 'ALLOW') continue;
      // flags g and u: leftmost-first, non-overlapping; an empty match steps over one code point
      c.re.lastIndex = 0;
      for (let m = c.re.exec(b); m; m = c.re.exec(b)) {
        if (m[0].length > 0) add(base, { type: c.name, start: m.index, end: m.index + m[0].length });
        else c.re.lastIndex = m.index + ((b.codePointAt(m.index) ?? 0) > 0xffff ? 2 : 1);
      }
    }
    return this.resolve(text, candidates);
  }

  /** The number-based detectors (phone, SSN, card, IBAN, IPv4) on one text. */
  private findNumbers(text: string, spans: Span[]): void {
    if (this.wants('PHONE')) findPhones(text, { defaultRegion: this.region }, spans);
    if (this.wants('US_SSN')) findSsns(text, spans);
    if (this.wants('CREDIT_CARD')) findCards(text, spans);
    if (this.wants('IBAN')) findIbans(text, spans);
    if (this.wants('IP_ADDRESS')) {
      findIpv4(text, spans);
      findIpv4Defanged(text, spans);
    }
  }

  /** Drops allowed values, resolves overlaps, builds the redacted text. */
  private resolve(text: string, candidates: Candidate[]): Inspection {
    const kept: Finding[] = [];
    const redactable: Finding[] = [];
    const injections: Finding[] = [];
    for (const c of candidates) {
      const action = this.action(c.type);
      if (action === 'ALLOW' || this.allowed(c.type, text.slice(c.start, c.end))) continue;
      if (c.type === 'PROMPT_INJECTION' && action === 'BLOCK') injections.push({ type: c.type, start: c.start, end: c.end });
      else redactable.push({ type: c.type, start: c.start, end: c.end });
    }
    // Overlaps: by priority, then length; a candidate is kept when none of its characters is taken (linear:
    // each candidate marks or reads only its own characters).
    const rank = (t: string) => {
      const i = PRIORITY.indexOf(t);
      return i < 0 ? PRIORITY.length : i;
    };
    redactable.sort((a, b) => rank(a.type) - rank(b.type) || b.end - b.start - (a.end - a.start) || a.start - b.start);
    const taken = new Uint8Array(text.length);
    for (const f of redactable) {
      let free = true;
      for (let i = f.start; i < f.end; i++) {
        if (taken[i]) {
          free = false;
          break;
        }
      }
      if (!free) continue;
      taken.fill(1, f.start, f.end);
      kept.push(f);
    }
    kept.sort((a, b) => a.start - b.start);
    // Injection findings: overlapping ones merged (sort, then sweep).
    injections.sort((a, b) => a.start - b.start || a.end - b.end);
    const merged: Finding[] = [];
    for (const f of injections) {
      const last = merged[merged.length - 1];
      if (last && f.start < last.end) merged[merged.length - 1] = { type: last.type, start: last.start, end: Math.max(last.end, f.end) };
      else merged.push(f);
    }

    let redacted = text;
    if (kept.length > 0) {
      const parts: string[] = [];
      let at = 0;
      for (const f of kept) {
        parts.push(text.slice(at, f.start), `[${f.type}]`);
        at = f.end;
      }
      parts.push(text.slice(at));
      redacted = parts.join('');
    }
    const findings = [...kept, ...merged].sort((a, b) => a.start - b.start || a.end - b.end);
    return { blocked: findings.some((f) => this.action(f.type) === 'BLOCK'), findings, redacted };
  }

  private allowed(type: string, value: string): boolean {
    if (this.allowValues.size === 0) return false;
    if (this.allowValues.has(compact(value))) return true;
    if (type === 'EMAIL' || type === 'URL_CREDENTIALS') {
      const host = (type === 'EMAIL' ? value.slice(value.lastIndexOf('@') + 1) : value.replace(/^[a-z]+:\/\/[^@]*@/i, '').split(/[/:?#]/)[0]).toLowerCase();
      return this.allowDomains.some((d) => host === d || host.endsWith(`.${d}`));
    }
    return false;
  }
}

const DEFAULT_CHECKS = new LocalChecks();

/**
 * Inspects a prompt or a model response: PII (e-mail, phone, US SSN, Luhn-valid card numbers, mod-97-valid
 * IBANs, IP addresses), secrets (AWS keys, private keys, API tokens of common services) and prompt
 * injection, also when written with look-alike, invisible or full-width characters. Offsets are UTF-16
 * code units into `text`. Pure, synchronous, linear in the length of the text.
 *
 * @param checks a deployment's compiled configuration (default: every type with its default action)
 */
export function inspectText(text: string, checks: LocalChecks = DEFAULT_CHECKS): Inspection {
  return checks.inspect(text);
}
