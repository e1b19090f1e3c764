/**
 * Prompt-injection detection: the phrase families (injection-phrases.ts) on the words view, fake system
 * turns and chat-template tokens on the base view, and base64 or hex segments decoded and scanned once.
 *
 * Families are dispatched by their first word: one scan finds the words that open any family, and only the
 * families that word opens are tried there (sticky, bounded patterns). The cost is one pass plus a bounded
 * amount of work per opening word.
 */
import { baseView, withoutUnits, wordsView } from './normalize';
import { findSignals, findSqueezed, findUnrestricted, SIGNAL_PATTERNS } from './injection-signals';
import { CJK_PATTERNS, phrase, PhraseFamily, WORD_FAMILIES } from './injection-phrases';
import { MORE_CJK_PATTERNS, MORE_WORD_FAMILIES } from './injection-phrases-more';
import type { Span } from './pii';
import type { TextView } from './text-view';

interface CompiledFamily {
  readonly id: string;
  readonly re: RegExp;
  /** Second words of its opening phrases that start with this first word; undefined when one is a single word. */
  readonly second?: Set<string>;
}

function compile(families: readonly PhraseFamily[]): { byWord: Map<string, CompiledFamily[]> } {
  const byWord = new Map<string, CompiledFamily[]>();
  // Families with the same opening phrases share one pattern (one attempt per opening word).
  const groups = new Map<string, { starts: readonly string[]; ids: string[]; rests: string[] }>();
  for (const f of families) {
    const key = [...f.starts].sort().join('|');
    const g = groups.get(key) ?? { starts: f.starts, ids: [], rests: [] };
    g.ids.push(f.id);
    g.rests.push(f.rest);
    groups.set(key, g);
  }
  for (const f of [...groups.values()].map((g) => ({ id: g.ids.join('+'), starts: g.starts, rest: g.rests.length === 1 ? g.rests[0] : `(?:${g.rests.join('|')})` }))) {
    // opening phrases are plain words; their words may be separated by a sentence mark too
    const starts = [...f.starts].sort((a, b) => b.length - a.length).map(phrase);
    const re = new RegExp(`(?:${starts.join('|')})(?:${f.rest})(?![^ ])`, 'y');
    const firstWords = new Set(f.starts.map((s) => s.split(' ')[0]));
    for (const w of firstWords) {
      // a quick filter: the word after the opening word must be one of the opening phrases' second words
      const phrases = f.starts.filter((s) => s.split(' ')[0] === w);
      const second = phrases.some((s) => !s.includes(' ')) ? undefined : new Set(phrases.map((s) => s.split(' ')[1]));
      const list = byWord.get(w) ?? [];
      list.push({ id: f.id, re, second });
      byWord.set(w, list);
    }
  }
  return { byWord };
}

const WORDS = compile([...WORD_FAMILIES, ...MORE_WORD_FAMILIES]);
const CJK = [...CJK_PATTERNS, ...MORE_CJK_PATTERNS].map((p) => ({ id: p.id, re: new RegExp(p.source, 'g') }));
const HAS_CJK = /[\u3040-\u30ff\u3400-\u9fff\uf900-\ufaff]/;

/** Injection phrases in a words view; spans in words-view coordinates, with the family id. */
export function findPhrases(words: string, out: (Span & { family: string })[]): void {
  const { byWord } = WORDS;
  let coveredTo = -1;
  // each word that opens a family (a map lookup per word: no alternation of all opening words to compile)
  for (let at = 0; at < words.length; ) {
    const wordEnd = words.indexOf(' ', at);
    const end = wordEnd < 0 ? words.length : wordEnd;
    const word = words.slice(at, end);
    const families = at >= coveredTo ? byWord.get(word) : undefined;
    if (!families) {
      at = end + 1;
      continue;
    }
    // the word after the opening word (past a sentence mark)
    let from = end + 1;
    if (words.startsWith('. ', from)) from += 2;
    const stop = words.indexOf(' ', from);
    const nextWord = words.slice(from, stop < 0 ? words.length : stop);
    for (const f of families) {
      if (f.second && !f.second.has(nextWord)) continue;
      f.re.lastIndex = at;
      const hit = f.re.exec(words);
      if (hit && hit[0].length > 0) {
        out.push({ type: 'PROMPT_INJECTION', start: at, end: at + hit[0].length, family: f.id });
        coveredTo = Math.max(coveredTo, at + hit[0].length);
        break;
      }
    }
    at = end + 1;
  }
  if (HAS_CJK.test(words)) {
    for (const f of CJK) {
      f.re.lastIndex = 0;
      for (let m = f.re.exec(words); m; m = f.re.exec(words)) {
        if (m[0].length === 0) {
          f.re.lastIndex++;
          continue;
        }
        out.push({ type: 'PROMPT_INJECTION', start: m.index, end: m.index + m[0].length, family: f.id });
      }
    }
  }
}

/**
 * Co-occurring signals and the squeezed view (injection-signals.ts) of a words view; spans mapped to the
 * original text through `view`.
 */
export function findWordSignals(view: TextView, out: Span[], toOriginalSpan?: (view: TextView, s: Span) => void): void {
  const signals: Span[] = [];
  findSignals(view.text, signals);
  findUnrestricted(view.text, signals);
  for (const s of signals) (toOriginalSpan ? toOriginalSpan(view, s) : out.push(s));
  // the squeezed view: only when the words view has short pieces that could be a split word, and the view
  // with its offsets only when the squeezed text holds one of the canonical attacks
  if (/(?:^| )[a-z]{1,3}(?: \.)? [a-z]{1,3}(?: \.)? [a-z]{1,4}(?: |$)/.test(view.text)) {
    const probe: Span[] = [];
    findSqueezed(view.text.replace(/[ .]/g, ''), probe);
    if (probe.length > 0) {
      const spaces: number[] = [];
      for (let i = 0; i < view.text.length; i++) if (view.text.charCodeAt(i) === 32 || view.text.charCodeAt(i) === 46) spaces.push(i);
      const squeezed = withoutUnits(view, spaces);
      const found: Span[] = [];
      findSqueezed(squeezed.text, found);
      for (const s of found) (toOriginalSpan ? toOriginalSpan(squeezed, s) : out.push(s));
    }
  }
}

// --- fake system turns and chat-template tokens (base view) --------------------------------------------

/** A line that claims to be a system, developer or admin turn: `SYSTEM:`, `[system]`, `<admin>`, `### System Override ###`. */
const ROLE_LINE =
  /(?:^|\n)[ \t>*#_=|~-]{0,8}[[<({]{0,3}[ \t|]{0,2}(?:system|sys|admin|administrator|developer|dev|root|operator|openai|anthropic|security|moderator|assistant|ai|model|supervisor|sudo|instruction|instructions|new instructions?|override|system override|admin override|priority|important)(?:[ _-]{0,2}(?:message|msg|prompt|note|notice|override|instructions?|update|command|alert|directive|policy|config|mode|channel|role|administrator|admin))?(?:[ _-]{1,2}(?:code|key|token|id|level|auth)[ _#-]{1,2}[A-Za-z0-9-]{1,12})?[ \t|]{0,2}[\])}>]{0,3}[ \t]{0,2}(?::|-{1,2}>?|=>|\]|>|#{2,4}|\n)/gi;
/** What a fake turn orders when it is an attack. */
const ROLE_DIRECTIVE =
  /\b(?:ignore|disregard|forget|override|overrid|bypass|disable|unrestricted|unfiltered|uncensored|no (?:longer|more) (?:bound|restricted|limited)|no (?:content |safety |ethical )?(?:restrictions|rules|filters|limits|guidelines|policies|policy)|i (?:have|ve got|now have) no (?:content |safety )?(?:restrictions|rules|filters|limits|guidelines)|(?:content |safety )?(?:rules|restrictions|filters|guidelines|policies) (?:are |have been |were )?(?:now )?(?:dropped|lifted|removed|disabled|off|suspended|waived|gone|cleared)|new (?:instructions|rules|directive|directives|policy|persona|system prompt)|developer mode|dan mode|jailbr\w{0,6}|safety (?:off|disabled|filters? (?:off|disabled|removed))|reveal (?:the|your) (?:system |hidden |initial )?(?:prompt|instructions)|print (?:the|your) (?:system |hidden |initial )?(?:prompt|instructions)|you (?:are now|must now|will now|are no longer|may now|can now|have been (?:updated|freed|unlocked|granted))|all (?:previous|prior|earlier) (?:instructions|rules)|previous instructions|restrictions (?:are|have been) (?:lifted|removed|disabled)|(?:lifted|removed|disabled) (?:all )?(?:restrictions|filters|safety)|priority (?:override|instruction)|supersedes?|takes? precedence|comply (?:with|fully)|obey (?:the|all|every|these)|answer (?:everything|anything|all questions)|without (?:any )?(?:restrictions|filters|limitations|censorship|refusing)|do anything now|admin(?:istrator)? (?:access|privileges|mode|override)|authori[sz]ed (?:to|override)|elevated privileges|(?:the assistant|the ai|the model|you) (?:will|must|shall|should|can|may) (?:now|henceforth|from now on|always|no longer)|reveal (?:its|the|your) (?:hidden|secret|system|internal|full|entire|initial) \w{2,20}|safety ?= ?(?:off|false|0|none|disabled)|mode ?= ?(?:unrestricted|unfiltered|jailbreak|dan|developer|god)|obey (?:the )?user|restrictions ?= ?(?:off|none|false|0))/i;
/** Tokens of chat templates (ChatML, Llama, Gemma ...). */
const CHAT_TOKEN = /<\|(?:im_start|im_end|endoftext|eot_id|start_header_id|end_header_id|begin_of_text|system|assistant|user|end|eom_id)\|>|\[\/?INST\]|<<\/?SYS>>|<\/?start_of_turn>|<end_of_turn>|<\/s>\s{0,3}<s>/gi;
const CHAT_ROLE_AFTER = /^\s{0,3}(?:system|assistant|developer|user|model)\b/i;
/** Tags that claim authority: `<system>`, `</system>`, `[SYSTEM OVERRIDE]`, `{{system}}`, `<admin_override>`. */
const AUTHORITY_TAG = /[<[{]{1,2}\/?\s{0,2}(?:system(?:[ _-]?(?:prompt|message|override|instructions?))?|admin(?:[ _-]?override)?|override|sudo|root access|developer(?:[ _-]?(?:message|override|mode))?|instructions?|im_start|priority[ _-]instruction)\s{0,2}[>\]}]{1,2}/gi;

/** DAN and its siblings as personas: in capitals, after a word that makes them one (`act as DAN`, `DAN mode`). */
const PERSONA_CAPS = /(?:\b(?:[Aa]ct\s{1,3}as|[Yy]ou\s{1,3}are(?:\s{1,3}now)?|[Pp]retend\s{1,3}to\s{1,3}be|[Bb]ecome|[Rr]ole-?play\s{1,3}as|[Rr]espond\s{1,3}as|[Aa]nswer\s{1,3}as|[Rr]eply\s{1,3}as|[Cc]alled|[Nn]amed|[Kk]nown\s{1,3}as|[Ee]nter|[Ee]nable|[Ss]imulate|[Bb]e)\s{1,3}(?:an?\s{1,3}|the\s{1,3})?["'“]?(?:DAN|STAN|DUDE|AIM|BetterDAN|AntiGPT|DevMode)\b|\b(?:[Ee]nter|[Ee]nable|[Aa]ctivate|[Ss]tay\s{1,3}in|[Ss]witch\s{1,3}to|[Ii]n)\s{1,3}(?:DAN|STAN|DUDE|AIM)\s{1,3}(?:[Mm]ode|MODE)\b|\b(?:DAN|STAN|DUDE|AIM)\s{1,3}(?:[Mm]ode|MODE)\s{1,3}(?:enabled|activated|on|engaged|ENABLED|ACTIVATED|ON)\b)/g;
/** A markdown image whose URL carries a placeholder for the prompt or the conversation: exfiltration by rendering. */
const MARKDOWN_EXFIL = /!\[[^\]\n]{0,100}\]\(\s{0,3}https?:\/\/[^)\s]{1,300}?(?:system[_ -]?prompt|SYSTEM[_ -]?PROMPT|\{[^}\s]{1,40}\}|%7[Bb]|\$\{|\[[A-Z_]{3,40}\]|<[A-Z_]{3,40}>|PROMPT|CONVERSATION|HISTORY|SECRET|PASSWORD|TOKEN)/g;

/** A markdown image whose URL ends in a capitalised placeholder (`?q=DATA`), defined elsewhere as the prompt. */
const MARKDOWN_PLACEHOLDER = /!\[[^\]\n]{0,100}\]\(\s{0,3}https?:\/\/[^)\s=]{1,300}=([A-Z][A-Z_]{2,40})(?=[&)#\s])/g;
/** What the placeholder stands for, when it is the prompt or the conversation. */
const PLACEHOLDER_MEANS = /^[^.\n]{0,20}?\b(?:is|=|with|means|stands for|being|contains|becomes)\s{1,3}(?:your|the)\s{1,3}(?:(?:full|entire|hidden|secret|initial|whole|complete)\s{1,3})?(?:system prompt|system message|instructions|prompt|conversation|chat history|context|previous messages|api key|password|secret)/i;

/**
 * A fake configuration block (policy puppetry): several lines that switch the assistant's safety off
 * (`refusals: disabled`, `safety_filter: false`, `Blocked Strings: "I'm sorry"`). One such line is a setting
 * someone asks about; two in one text are an attack.
 */
const CONFIG_OFF =
  /(?:^|\n)[ \t>*-]{0,8}["']?[A-Za-z_ -]{0,24}?(?:refusals?|refuse|refusing|safety|censor(?:ship|ed|ing)?|content[_ -]?(?:filters?|polic(?:y|ies)|moderation)|moderation|guardrails?|restrictions?|ethics|alignment)[A-Za-z_ -]{0,16}["']?[ \t]{0,3}[:=][ \t]{0,3}["']?(?:disabled?|false|off|none|never|0|no|unrestricted|bypass(?:ed)?|ignored?|null)\b|(?:^|\n)[ \t>*-]{0,8}["']?blocked[ _-]?(?:responses|strings|outputs|phrases|words)["']?[ \t]{0,3}[:=][^\n]{0,200}?(?:refus|apolog|sorry|can'?t|cannot|unable)/gi;

/** Strings assigned to short names (`a = 'Ignore all prev'`) and an order to join them (`a + b`): payload splitting. */
const ASSIGNED = /\b([A-Za-z]\w{0,15})\s{0,2}(?::=|=|:)\s{0,2}["'‘“`]([^"'’”`\n]{1,200})["'’”`]/g;
const JOINED = /\b[A-Za-z]\w{0,15}(?:\s{0,2}\+\s{0,2}[A-Za-z]\w{0,15}){1,7}\b/g;

/** Joined fragments that read as an injection; spans of the join expression in base-view coordinates. */
function findSplitPayloads(text: string, out: Span[]): void {
  if (!text.includes('+')) return;
  const values = new Map<string, string>();
  ASSIGNED.lastIndex = 0;
  for (let m = ASSIGNED.exec(text); m && values.size < 32; m = ASSIGNED.exec(text)) values.set(m[1], m[2]);
  if (values.size < 2) return;
  JOINED.lastIndex = 0;
  let tries = 0;
  for (let m = JOINED.exec(text); m && tries < 8; m = JOINED.exec(text)) {
    const parts = m[0].split('+').map((p) => values.get(p.trim()));
    if (parts.some((p) => p === undefined)) continue;
    tries++;
    if (decodedHasInjection(parts.join('')) || decodedHasInjection(parts.join(' '))) out.push({ type: 'PROMPT_INJECTION', start: m.index, end: m.index + m[0].length });
  }
}

/** Fake system turns, chat-template tokens and authority tags, in base-view coordinates. */
export function findFakeTurns(text: string, out: Span[]): void {
  for (const re of [PERSONA_CAPS, MARKDOWN_EXFIL]) {
    re.lastIndex = 0;
    for (let m = re.exec(text); m; m = re.exec(text)) out.push({ type: 'PROMPT_INJECTION', start: m.index, end: m.index + m[0].length });
  }
  if (text.includes('![')) {
    MARKDOWN_PLACEHOLDER.lastIndex = 0;
    let n = 0;
    for (let m = MARKDOWN_PLACEHOLDER.exec(text); m && n < 10; m = MARKDOWN_PLACEHOLDER.exec(text), n++) {
      // the placeholder's definition: after one of its later mentions
      for (let at = text.indexOf(m[1], m.index + m[0].length), k = 0; at >= 0 && k < 10; at = text.indexOf(m[1], at + 1), k++) {
        if (PLACEHOLDER_MEANS.test(text.slice(at + m[1].length, at + m[1].length + 120))) {
          out.push({ type: 'PROMPT_INJECTION', start: m.index, end: m.index + m[0].length });
          break;
        }
      }
    }
  }
  findSplitPayloads(text, out);
  if (/[:=]/.test(text)) {
    CONFIG_OFF.lastIndex = 0;
    const lines: RegExpExecArray[] = [];
    for (let m = CONFIG_OFF.exec(text); m; m = lines.length < 3 ? CONFIG_OFF.exec(text) : null) lines.push(m);
    // two lines when one of them is about refusals, three otherwise (a playground config may turn safety off)
    if (lines.length >= 3 || (lines.length === 2 && lines.some((l) => /refus|blocked/i.test(l[0])))) {
      const last = lines[lines.length - 1];
      out.push({ type: 'PROMPT_INJECTION', start: lines[0].index, end: last.index + last[0].length });
    }
  }
  if (!/[:\][<>|#\n-]/.test(text)) return;
  ROLE_LINE.lastIndex = 0;
  for (let m = ROLE_LINE.exec(text); m; m = ROLE_LINE.exec(text)) {
    const start = m.index + (m[0].startsWith('\n') ? 1 : 0);
    const lineEnd = text.indexOf('\n', m.index + m[0].length);
    const stop = Math.min(lineEnd < 0 ? text.length : lineEnd, m.index + m[0].length + 240);
    let rest = text.slice(m.index + m[0].length, stop);
    // a header alone on its line ("### Instruction:") gives its order on the next one
    if (rest.trim() === '' && stop < text.length) {
      const next = text.indexOf('\n', stop + 1);
      rest = text.slice(stop + 1, Math.min(next < 0 ? text.length : next, stop + 241));
    }
    if (ROLE_DIRECTIVE.test(rest)) out.push({ type: 'PROMPT_INJECTION', start, end: stop });
    if (m[0].length === 0) ROLE_LINE.lastIndex++;
  }
  CHAT_TOKEN.lastIndex = 0;
  const tokens: RegExpExecArray[] = [];
  for (let m = CHAT_TOKEN.exec(text); m && tokens.length < 1000; m = CHAT_TOKEN.exec(text)) tokens.push(m);
  const distinct = new Set(tokens.map((t) => t[0].toLowerCase().replace(/\s+/g, ''))).size;
  for (const t of tokens) {
    const after = text.slice(t.index + t[0].length, t.index + t[0].length + 16);
    if (distinct >= 2 || CHAT_ROLE_AFTER.test(after)) out.push({ type: 'PROMPT_INJECTION', start: t.index, end: t.index + t[0].length });
  }
  AUTHORITY_TAG.lastIndex = 0;
  for (let m = AUTHORITY_TAG.exec(text); m; m = AUTHORITY_TAG.exec(text)) {
    // the tag is an attack when an order follows it (or precedes its closing tag)
    const around = text.slice(m.index + m[0].length, Math.min(text.length, m.index + m[0].length + 240));
    if (ROLE_DIRECTIVE.test(around)) out.push({ type: 'PROMPT_INJECTION', start: m.index, end: m.index + m[0].length });
  }
}

// --- encoded segments ---------------------------------------------------------------------------------

/** Decoded bytes scanned per text at most (the rest of a huge blob is not decoded). */
const MAX_DECODED = 64 * 1024;

function isB64(c: number): boolean {
  return (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 43 || c === 47 || c === 45 || c === 95 || c === 61;
}

/** Decoded bytes that are text: printable, no replacement characters. */
function printable(s: string): boolean {
  if (s.length < 8) return false;
  let good = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c === 0xfffd) return false;
    if ((c >= 32 && c < 127) || c === 10 || c === 13 || c === 9 || c >= 0xa0) good++;
  }
  return good / s.length >= 0.95;
}

/** Printable text with words in it (what an injection phrase needs). */
export function wordy(s: string): boolean {
  let letters = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if ((c >= 65 && c <= 90) || (c >= 97 && c <= 122) || (c >= 0xc0 && c !== 0xd7 && c !== 0xf7)) letters++;
  }
  return letters / s.length >= 0.5 && (/\s/.test(s) || /[^\x00-\x7f]/.test(s));
}

/** Encoded segments (base64, base64url, hex) whose decoded bytes are printable text. Spans in base-view coordinates. */
export function decodedSegments(text: string): { start: number; end: number; decoded: string }[] {
  const out: { start: number; end: number; decoded: string }[] = [];
  let budget = MAX_DECODED;
  for (let i = 0; i < text.length && budget > 0; ) {
    if (!isB64(text.charCodeAt(i)) || (i > 0 && isB64(text.charCodeAt(i - 1)))) {
      i++;
      continue;
    }
    let j = i;
    while (j < text.length && isB64(text.charCodeAt(j))) j++;
    const run = text.slice(i, j);
    if (run.length >= 16) {
      let decoded: string | undefined;
      if (/^(?:[0-9a-fA-F]{2}){8,}$/.test(run)) decoded = Buffer.from(run, 'hex').toString('utf8');
      else if (/[A-Za-z]/.test(run) && /^[A-Za-z0-9+/_-]+={0,2}$/.test(run) && !/^[a-z]+$/i.test(run)) {
        decoded = Buffer.from(run.replace(/-/g, '+').replace(/_/g, '/'), 'base64').toString('utf8');
      }
      budget -= run.length;
      if (decoded !== undefined && printable(decoded)) out.push({ start: i, end: j, decoded });
    }
    i = j;
  }
  return out;
}

/** Injection phrases in a decoded segment (normalized the same way as the text). */
export function decodedHasInjection(decoded: string): boolean {
  if (!wordy(decoded)) return false;
  const base = baseView(decoded);
  const words = wordsView(base);
  const found: (Span & { family: string })[] = [];
  findPhrases(words.text, found);
  if (words.scrambled && found.length === 0) findPhrases(wordsView(base, true).text, found);
  if (found.length > 0) return true;
  const more: Span[] = [];
  findWordSignals(words, more);
  if (more.length > 0) return true;
  const fake: Span[] = [];
  findFakeTurns(base.text, fake);
  return fake.length > 0;
}

/** The regular expressions of this module (the tests check each is linear on adversarial input). */
export const INJECTION_PATTERNS: readonly RegExp[] = [...SIGNAL_PATTERNS, PERSONA_CAPS, MARKDOWN_EXFIL, MARKDOWN_PLACEHOLDER, PLACEHOLDER_MEANS, CONFIG_OFF, ASSIGNED, JOINED, ROLE_LINE, ROLE_DIRECTIVE, CHAT_TOKEN, CHAT_ROLE_AFTER, AUTHORITY_TAG, ...CJK.map((c) => c.re)];
/** The compiled phrase families (the tests check each is linear on adversarial input). */
export const FAMILY_PATTERNS: readonly RegExp[] = [...new Set([...WORDS.byWord.values()].flat().map((f) => f.re))];
