/**
 * Secret recognizers over the base view: AWS access key ids and secret keys (labelled in code or prose, in the
 * console's CSV download, or standing alone), PEM private keys (four or five dashes, to their END line) and
 * PuTTY `.ppk` files, Stripe keys, JWTs, Azure storage keys, Google API keys and OAuth client secrets,
 * labelled API tokens — and every rule of `@secretlint/secretlint-rule-preset-recommend` (GitHub, Slack, GCP,
 * npm, OpenAI, Anthropic, basic-auth and database URLs with passwords, SendGrid, Shopify, GitLab, Grafana,
 * Hugging Face, HashiCorp Vault, Databricks, Docker, Figma ...) except its AWS and private-key rules (ours
 * do not skip AWS's documented example keys, which callers paste as often as real ones).
 */
import { creator as secretlintPreset } from '@secretlint/secretlint-rule-preset-recommend';
import type { Span } from './pii';

// --- AWS ----------------------------------------------------------------------------------------------

const AWS_ACCESS_KEY = /(?<![A-Za-z0-9])(?:AKIA|ASIA|AGPA|AIDA|AROA|AIPA|ANPA|ANVA|ABIA|ACCA|APKA|A3T[A-Z0-9])[A-Z0-9]{16}(?![A-Za-z0-9])/gi;
const AWS_ACCESS_KEY_SPLIT = /(?<![A-Za-z0-9])(?:AKIA|ASIA)(?:[ .\-_][A-Z0-9]{2,4}){4,8}(?![A-Za-z0-9])/gi;
/** A name that says a secret key follows: `aws_secret_access_key`, `SecretAccessKey`, `AWS Secret Access Key`, `secret key`. */
const AWS_SECRET_LABEL =
  /(?:aws[ _-]{0,2})?(?:secret[ _-]{0,2}(?:access[ _-]{0,2})?key|secretaccesskey|secret_key)(?:[ _-]{0,2}id)?["']?\s{0,4}(?:[:=]|=>|->|is|was|:=)?\s{0,4}["'`]?([A-Za-z0-9/+]{40})(?![A-Za-z0-9/+=])/gi;
/** An access key id followed by a 40-character token on the same line (the console's CSV, `id secret` pairs). */
const AWS_PAIR = /(?:AKIA|ASIA)[A-Z0-9]{16}["']?[ \t]{0,3}[,;|\t: /][ \t]{0,3}["']?([A-Za-z0-9/+]{40})(?![A-Za-z0-9/+=])/gi;
const TOKEN_40 = /(?<![A-Za-z0-9/+=_.-])[A-Za-z0-9/+]{40}(?![A-Za-z0-9/+=_-]|\.[A-Za-z0-9])/g;
const SECRET_CONTEXT = /(?:aws|secret|cred|access key|iam|boto|sts|s3|key id|keyid|api key|token|password|AKIA|ASIA)/i;

/** True when a 40-character token is random enough to be a secret key rather than a path or an identifier. */
export function looksLikeSecretKey(token: string): boolean {
  let upper = 0;
  let lower = 0;
  let digit = 0;
  let changes = 0;
  let previous = 0;
  const seen = new Set<number>();
  for (let i = 0; i < token.length; i++) {
    const c = token.charCodeAt(i);
    const cls = c >= 65 && c <= 90 ? 1 : c >= 97 && c <= 122 ? 2 : c >= 48 && c <= 57 ? 3 : 4;
    if (cls === 1) upper++;
    else if (cls === 2) lower++;
    else if (cls === 3) digit++;
    if (i > 0 && cls !== previous) changes++;
    previous = cls;
    seen.add(c);
  }
  if (upper === 0 || lower === 0 || digit === 0 || seen.size < 20 || changes < 10) return false;
  // a path: most segments are words (lower case, or CamelCase)
  const segments = token.split('/');
  return !(segments.length >= 3 && segments.filter((s) => /^(?:[a-z]{2,}|(?:[A-Z][a-z]+)+\d{0,3}|[a-z]+(?:[A-Z][a-z]+)+)$/.test(s)).length >= segments.length - 1);
}

// --- private keys -------------------------------------------------------------------------------------

const PEM_BEGIN = /-{3,6} ?BEGIN (?:[A-Z0-9]{1,16} ){0,3}PRIVATE KEY(?: BLOCK)? ?-{3,6}/gi;
const PEM_END = /-{3,6} ?END (?:[A-Z0-9]{1,16} ){0,3}PRIVATE KEY(?: BLOCK)? ?-{3,6}/gi;
const PPK_BEGIN = /PuTTY-User-Key-File-\d:/gi;
const PPK_MAC = /Private-MAC: ?[0-9a-fA-F]{1,128}/gi;
const BASE64_BODY = /[A-Za-z0-9+/=\s\\]{0,8192}/y;

// --- other token formats ------------------------------------------------------------------------------

interface TokenRule {
  readonly type: string;
  readonly pattern: RegExp;
  /** The capture group that is the secret (0: the whole match). */
  readonly group: number;
  readonly check?: (value: string) => boolean;
}

const TOKEN_RULES: readonly TokenRule[] = [
  { type: 'GITHUB_TOKEN', pattern: /(?<![A-Za-z0-9_])(?:github_pat_[A-Za-z0-9_]{60,120}|gh[pousr]_[A-Za-z0-9]{30,60})(?![A-Za-z0-9_])/g, group: 0, check: (v) => /\d/.test(v) },
  { type: 'STRIPE_KEY', pattern: /(?<![A-Za-z0-9_])(?:sk|rk)_(?:live|test)_[A-Za-z0-9]{10,99}(?![A-Za-z0-9])/g, group: 0 },
  { type: 'STRIPE_KEY', pattern: /(?<![A-Za-z0-9_])whsec_[A-Za-z0-9]{24,64}(?![A-Za-z0-9])/g, group: 0 },
  { type: 'JWT', pattern: /(?<![A-Za-z0-9_-])eyJ[A-Za-z0-9_-]{8,4096}\.eyJ[A-Za-z0-9_-]{8,8192}\.[A-Za-z0-9_-]{8,4096}(?![A-Za-z0-9_-])/g, group: 0 },
  { type: 'AZURE_KEY', pattern: /(?:AccountKey|SharedAccessKey|AccessKey)\s{0,2}=\s{0,2}([A-Za-z0-9+/]{40,100}={0,2})/gi, group: 1 },
  { type: 'AZURE_KEY', pattern: /[?&]sig=([A-Za-z0-9%+/]{30,100}(?:%3D|=){0,2})/gi, group: 1, check: (v) => /%2B|%2F|%3D|[+/=]/i.test(v) || v.length >= 43 },
  {
    type: 'URL_CREDENTIALS',
    pattern: /(?<![A-Za-z0-9+.-])[A-Za-z][A-Za-z0-9+.-]{1,20}:\/\/[^\s:/@]{0,64}:([^\s@/]{3,128})@[A-Za-z0-9.-]{1,253}/g,
    group: 0,
    check: (v) => !/:\d{1,5}@/.test(v),
  },
  { type: 'GCP_CREDENTIAL', pattern: /(?<![A-Za-z0-9_-])AIza[0-9A-Za-z_-]{35}(?![A-Za-z0-9_-])/g, group: 0 },
  { type: 'GCP_CREDENTIAL', pattern: /(?<![A-Za-z0-9_-])GOCSPX-[0-9A-Za-z_-]{28}(?![A-Za-z0-9_-])/g, group: 0 },
  { type: 'GCP_CREDENTIAL', pattern: /"private_key_id"\s{0,3}:\s{0,3}"([0-9a-f]{40})"/g, group: 1 },
  { type: 'API_TOKEN', pattern: /(?<![A-Za-z0-9_-])sk-(?:proj-|svcacct-|admin-|ant-[a-z]{3,5}\d{2}-)?[A-Za-z0-9_-]{32,200}(?![A-Za-z0-9_-])/g, group: 0, check: (v) => /\d/.test(v) && /[A-Z]/.test(v) && /[a-z]/.test(v) },
  {
    type: 'API_TOKEN',
    pattern: /(?:api[ _-]?key|apikey|api[ _-]?token|access[ _-]?token|auth[ _-]?token|client[ _-]?secret|private[ _-]?token|x-api-key|bearer)["']?\s{0,3}(?:[:=]|=>|is)?\s{0,3}["'`]?([A-Za-z0-9_\-.~+/]{20,200}={0,2})(?![A-Za-z0-9_\-.~+/=])/gi,
    group: 1,
    check: (v) => /\d/.test(v) && /[A-Za-z]/.test(v) && new Set(v).size >= 12 && !/^[a-z]+(?:[._-][a-z]+)*$/.test(v),
  },
];

// --- secretlint ---------------------------------------------------------------------------------------

/** Which finding type each secretlint rule reports. */
const SECRETLINT_TYPES: { readonly [ruleId: string]: string } = {
  '@secretlint/secretlint-rule-github': 'GITHUB_TOKEN',
  '@secretlint/secretlint-rule-slack': 'SLACK_TOKEN',
  '@secretlint/secretlint-rule-gcp': 'GCP_CREDENTIAL',
  '@secretlint/secretlint-rule-basicauth': 'URL_CREDENTIALS',
  '@secretlint/secretlint-rule-database-connection-string': 'URL_CREDENTIALS',
};
const SECRETLINT_SKIPPED = new Set([
  '@secretlint/secretlint-rule-aws', // ours: it skips AWS's documented example keys
  '@secretlint/secretlint-rule-privatekey', // ours: four-dash PEM, whole block
  '@secretlint/secretlint-rule-filter-comments', // `secretlint-disable` in a prompt must not switch detection off
]);

interface SecretlintRule {
  meta: { id: string };
  messages?: unknown;
  create(context: unknown, options: unknown): { file?: (source: unknown) => unknown };
}

interface LoadedRule {
  readonly type: string;
  readonly file: (source: unknown) => unknown;
}

/** Where the running rule reports (set only while a rule runs, synchronously). */
let sink: { type: string; out: Span[] } | undefined;

function loadSecretlintRules(): LoadedRule[] {
  const rules: SecretlintRule[] = [];
  (secretlintPreset as unknown as SecretlintRule).create({ registerRule: (r: SecretlintRule) => rules.push(r) }, {});
  const loaded: LoadedRule[] = [];
  for (const rule of rules) {
    if (SECRETLINT_SKIPPED.has(rule.meta.id)) continue;
    const context = {
      createTranslator: () => (id: string) => id,
      report: (d: { range?: [number, number] }) => {
        if (sink && d.range) sink.out.push({ type: sink.type, start: d.range[0], end: d.range[1] });
      },
      ignore: () => undefined,
    };
    try {
      const handlers = rule.create(context, {});
      if (handlers.file) loaded.push({ type: SECRETLINT_TYPES[rule.meta.id] ?? 'API_TOKEN', file: handlers.file });
    } catch {
      // a rule that cannot start is skipped; ours still run
    }
  }
  return loaded;
}

let secretlintRules: LoadedRule[] | undefined;

function runSecretlint(text: string, out: Span[]): void {
  secretlintRules ??= loadSecretlintRules();
  const source = { content: text, filePath: 'prompt.txt', ext: '.txt', contentType: 'text' };
  for (const rule of secretlintRules) {
    sink = { type: rule.type, out };
    try {
      const result = rule.file(source) as { catch?: (f: () => void) => void } | undefined;
      // An asynchronous rule (binary formats) reports later, into no sink: its results are not used.
      result?.catch?.(() => undefined);
    } catch {
      // a rule that fails on this text is skipped
    } finally {
      sink = undefined;
    }
  }
}

// --- the scan -----------------------------------------------------------------------------------------

/** Secrets in `text` (the base view). */
export function findSecrets(text: string, out: Span[]): void {
  const push = (type: string, start: number, end: number) => out.push({ type, start, end });

  AWS_ACCESS_KEY.lastIndex = 0;
  for (let m = AWS_ACCESS_KEY.exec(text); m; m = AWS_ACCESS_KEY.exec(text)) {
    const tail = m[0].slice(4);
    if (m[0] === m[0].toUpperCase() || /\d/.test(tail)) push('AWS_ACCESS_KEY', m.index, m.index + m[0].length);
  }
  // split into groups (`AKIA IOSF ODNN 7EXA MPLE`, `AKIA-IOSF-...`): one separator kind, at least one used
  AWS_ACCESS_KEY_SPLIT.lastIndex = 0;
  for (let m = AWS_ACCESS_KEY_SPLIT.exec(text); m; m = AWS_ACCESS_KEY_SPLIT.exec(text)) {
    const seps = new Set(m[0].replace(/[A-Za-z0-9]/g, ''));
    const joined = m[0].replace(/[^A-Za-z0-9]/g, '');
    if (seps.size === 1 && joined.length === 20 && /\d/.test(joined.slice(4))) push('AWS_ACCESS_KEY', m.index, m.index + m[0].length);
  }
  for (const re of [AWS_SECRET_LABEL, AWS_PAIR]) {
    re.lastIndex = 0;
    for (let m = re.exec(text); m; m = re.exec(text)) {
      const start = m.index + m[0].length - m[1].length;
      push('AWS_SECRET_KEY', start, start + m[1].length);
    }
  }
  TOKEN_40.lastIndex = 0;
  for (let m = TOKEN_40.exec(text); m; m = TOKEN_40.exec(text)) {
    const token = m[0];
    if (!looksLikeSecretKey(token)) continue;
    const contextual = /[/+]/.test(token) || SECRET_CONTEXT.test(text.slice(Math.max(0, m.index - 80), m.index));
    if (contextual) push('AWS_SECRET_KEY', m.index, m.index + token.length);
  }

  findPrivateKeys(text, push);

  for (const rule of TOKEN_RULES) {
    rule.pattern.lastIndex = 0;
    for (let m = rule.pattern.exec(text); m; m = rule.pattern.exec(text)) {
      const value = m[rule.group];
      if (rule.check && !rule.check(value)) continue;
      const start = m.index + (rule.group === 0 ? 0 : m[0].length - value.length);
      push(rule.type, start, start + value.length);
    }
  }

  runSecretlint(text, out);
}

/** PEM blocks to their END line (one forward search for END, never a rescan) and PuTTY key files. */
function findPrivateKeys(text: string, push: (type: string, start: number, end: number) => void): void {
  if (/-{3} ?BEGIN/i.test(text)) {
    let end: RegExpExecArray | null | undefined; // the next END at or after the cursor; null: there is none
    PEM_BEGIN.lastIndex = 0;
    for (let m = PEM_BEGIN.exec(text); m; m = PEM_BEGIN.exec(text)) {
      const headerEnd = m.index + m[0].length;
      if (end !== null && (end === undefined || end.index < headerEnd)) {
        PEM_END.lastIndex = headerEnd;
        end = PEM_END.exec(text);
      }
      let stop: number;
      if (end) {
        stop = end.index + end[0].length;
      } else {
        // no END line: the header and the key material after it
        BASE64_BODY.lastIndex = headerEnd;
        BASE64_BODY.exec(text);
        stop = Math.max(headerEnd, BASE64_BODY.lastIndex);
        while (stop > headerEnd && /\s/.test(text[stop - 1])) stop--;
      }
      push('PRIVATE_KEY', m.index, stop);
      PEM_BEGIN.lastIndex = stop;
    }
  }
  if (/PuTTY-User-Key-File/i.test(text)) {
    let macCursor = 0;
    let mac: RegExpExecArray | null | undefined;
    PPK_BEGIN.lastIndex = 0;
    for (let m = PPK_BEGIN.exec(text); m; m = PPK_BEGIN.exec(text)) {
      if (mac !== null && (mac === undefined || mac.index < m.index)) {
        PPK_MAC.lastIndex = Math.max(macCursor, m.index);
        mac = PPK_MAC.exec(text);
        macCursor = mac ? mac.index : text.length;
      }
      let stop: number;
      if (mac) stop = mac.index + mac[0].length;
      else {
        const lineEnd = text.indexOf('\n', m.index);
        stop = lineEnd < 0 ? text.length : lineEnd;
        BASE64_BODY.lastIndex = stop;
        BASE64_BODY.exec(text);
        stop = Math.max(stop, BASE64_BODY.lastIndex);
        while (stop > m.index && /\s/.test(text[stop - 1])) stop--;
      }
      push('PRIVATE_KEY', m.index, stop);
      PPK_BEGIN.lastIndex = stop;
    }
  }
}

/** The regular expressions of this module (the tests check each is linear on adversarial input). */
export const SECRET_PATTERNS: readonly RegExp[] = [
  AWS_ACCESS_KEY,
  AWS_ACCESS_KEY_SPLIT,
  AWS_SECRET_LABEL,
  AWS_PAIR,
  TOKEN_40,
  SECRET_CONTEXT,
  PEM_BEGIN,
  PEM_END,
  PPK_BEGIN,
  PPK_MAC,
  BASE64_BODY,
  ...TOKEN_RULES.map((r) => r.pattern),
];
