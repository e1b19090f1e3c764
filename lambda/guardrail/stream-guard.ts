/**
 * Guarding an answer that arrives in chunks (`POST /v1/generate/stream`): the local checks on every chunk
 * boundary with a carry-over, and the windows the Bedrock guardrail judges. Pure, synchronous, no I/O;
 * stream.ts drives it.
 *
 * Nothing leaves {@link StreamLocalCheck} that the local checks could still change their mind about: the
 * last {@link CARRY_CHARS} characters are always held back (until the answer ends), every inspection sees
 * {@link CONTEXT_CHARS} characters of already released text before the held-back part (the keyword a
 * secret follows, `aws_secret_access_key = `), and a cut never falls inside a finding. A finding of at most
 * CARRY_CHARS characters is therefore always seen whole before any of its characters is released, however
 * the model splits it into chunks.
 */
import type { Finding, LocalChecks } from './local-checks';

/**
 * Characters held back at the end of the received text. Sized to the longest item the local checks must see
 * whole to recognise: an e-mail address (at most 254), URL credentials (`scheme://user:password@` reaches
 * its `@` after at most ~220), a PEM header (at most ~90), denied words (at most 100, more when spaced out),
 * and a base64 segment hiding a secret of up to ~190 characters. Custom patterns match at most 256
 * characters (lib/guardrails/private/custom-pattern.ts); one longer than 256 code units (astral characters
 * take two) may be released in part before it matches (README: streaming limits).
 */
export const CARRY_CHARS = 256;
/** Characters of already released text each inspection sees before the held-back part (keywords, word boundaries). */
export const CONTEXT_CHARS = 256;

/** What one step of {@link StreamLocalCheck} decided. */
export interface LocalStep {
  /** Text cleared by the local checks (PII redacted), in order; '' when nothing could be released yet. */
  readonly text: string;
  /** Set when a finding whose action is BLOCK was seen: nothing more may be released. */
  readonly blockedTypes?: string[];
  /** True when a finding reached into text released before (a finding longer than the carry-over). */
  readonly late: boolean;
  /** True when `text` has a finding replaced by `[TYPE]`. */
  readonly redacted?: boolean;
}

function isHighSurrogate(code: number): boolean {
  return code >= 0xd800 && code <= 0xdbff;
}

/**
 * The local checks over a growing text. `push` each chunk as it arrives and `finish` once the model is done;
 * each returns the text that may go on to the Bedrock guardrail.
 */
export class StreamLocalCheck {
  private raw = '';
  /** Offset into `raw` up to which text was released. */
  private cleared = 0;
  private blockedTypes?: string[];
  private readonly seen = new Set<string>();
  /** Every finding, in offsets of the whole answer (for the trace summary). */
  readonly findings: Finding[] = [];
  /** Inspections run (one per chunk boundary). */
  inspections = 0;
  /** True once a finding reached into released text. */
  late = false;

  /**
   * @param checks the deployment's compiled local checks
   * @param carry characters held back until the answer ends
   * @param context characters of released text each inspection sees before the held-back part
   */
  constructor(
    private readonly checks: LocalChecks,
    private readonly carry: number = CARRY_CHARS,
    private readonly context: number = CONTEXT_CHARS,
  ) {}

  /** The raw text received so far (what the model said, before any redaction). */
  get received(): string {
    return this.raw;
  }

  /** Takes the next chunk of the answer and returns what can be released now. */
  push(chunk: string): LocalStep {
    this.raw += chunk;
    return this.step(false);
  }

  /** The answer is complete: inspects and releases the rest. */
  finish(): LocalStep {
    return this.step(true);
  }

  private step(final: boolean): LocalStep {
    if (this.blockedTypes) return { text: '', blockedTypes: this.blockedTypes, late: this.late };
    const raw = this.raw;
    let cut = final ? raw.length : Math.max(this.cleared, raw.length - this.carry);
    if (!final && cut === this.cleared) return { text: '', late: this.late };
    // The inspected text starts at a word boundary inside the context, so no word is seen cut in half.
    let from = Math.max(0, this.cleared - this.context);
    if (from > 0) {
      const space = raw.slice(from, this.cleared).search(/\s/);
      if (space >= 0) from += space + 1;
    }
    this.inspections++;
    const inspection = this.checks.inspect(raw.slice(from));
    const relevant: Finding[] = [];
    const blocked: string[] = [];
    for (const f of inspection.findings) {
      const g: Finding = { type: f.type, start: f.start + from, end: f.end + from };
      const key = `${g.type}:${g.start}:${g.end}`;
      const fresh = !this.seen.has(key);
      const blocks = this.checks.action(g.type) === 'BLOCK';
      if (g.end <= this.cleared) {
        // Entirely in released text: seen before, or recognisable only now (longer than the carry-over).
        if (fresh) {
          this.late = true;
          this.record(key, g);
          if (blocks) blocked.push(g.type);
        }
        continue;
      }
      if (g.start < this.cleared) this.late = true;
      // A blocking finding that touches the end of the received text is decided when more text has come
      // (the next characters may make it something else); it is held back meanwhile, like all of the carry.
      if (blocks && (final || g.end < raw.length)) blocked.push(g.type);
      relevant.push(g);
    }
    if (blocked.length > 0) {
      for (const f of relevant) this.record(`${f.type}:${f.start}:${f.end}`, f);
      this.blockedTypes = [...new Set(blocked)];
      return { text: '', blockedTypes: this.blockedTypes, late: this.late };
    }
    // Never cut inside a finding: hold it back whole (its end may still move with the next chunk).
    for (let moved = true; moved && !final; ) {
      moved = false;
      for (const f of relevant) {
        if (f.start < cut && f.end > cut && f.start >= this.cleared) {
          cut = f.start;
          moved = true;
        }
      }
    }
    // Nor between the two halves of a surrogate pair.
    if (cut > this.cleared && cut < raw.length && isHighSurrogate(raw.charCodeAt(cut - 1))) cut--;
    if (cut <= this.cleared) return { text: '', late: this.late };

    // Release [cleared, cut) with the PII findings in it replaced by [TYPE].
    const parts: string[] = [];
    let at = this.cleared;
    for (const f of relevant.sort((a, b) => a.start - b.start)) {
      if (f.start >= cut) break;
      // A finding that began in released text: its released part is gone, the rest is redacted.
      const start = Math.max(f.start, this.cleared);
      if (start < at) continue;
      parts.push(raw.slice(at, start), `[${f.type}]`);
      at = Math.min(f.end, cut);
      this.record(`${f.type}:${f.start}:${f.end}`, f);
    }
    const redacted = parts.length > 0;
    parts.push(raw.slice(at, cut));
    this.cleared = cut;
    return { text: parts.join(''), late: this.late, redacted };
  }

  private record(key: string, f: Finding): void {
    if (this.seen.has(key)) return;
    this.seen.add(key);
    this.findings.push(f);
  }
}

/**
 * Cuts the locally cleared text into the windows the Bedrock guardrail judges: the first window is a quarter
 * of `size`, the second half of it, then `size` (so the first words reach the caller early, and long answers
 * cost few calls). A window ends after a whitespace character when there is one in its second half, so a
 * word is never judged in two pieces.
 */
export class GuardWindows {
  private pending = '';
  private taken = 0;

  /** @param size characters per window once the stream is under way */
  constructor(private readonly size: number) {}

  /** Characters waiting for the guardrail. */
  get waiting(): number {
    return this.pending.length;
  }

  /** Windows taken so far. */
  get count(): number {
    return this.taken;
  }

  /** Adds cleared text. */
  add(text: string): void {
    this.pending += text;
  }

  /** The size of the next window. */
  nextSize(): number {
    const divisor = this.taken === 0 ? 4 : this.taken === 1 ? 2 : 1;
    return Math.max(1, Math.floor(this.size / divisor));
  }

  /** The next window, when enough text is waiting (or, when `final`, whatever is left, at most a window). */
  take(final: boolean): string | undefined {
    const n = this.nextSize();
    if (this.pending.length === 0 || (!final && this.pending.length < n)) return undefined;
    let cut = Math.min(n, this.pending.length);
    if (cut < this.pending.length) {
      const half = Math.floor(cut / 2);
      const tail = this.pending.slice(half, cut);
      const space = Math.max(tail.lastIndexOf(' '), tail.lastIndexOf('\n'), tail.lastIndexOf('\t'));
      if (space >= 0) cut = half + space + 1;
      else if (isHighSurrogate(this.pending.charCodeAt(cut - 1))) cut--;
    }
    const window = this.pending.slice(0, cut);
    this.pending = this.pending.slice(cut);
    this.taken++;
    return window;
  }
}
