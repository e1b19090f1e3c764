/**
 * A transformed copy of a text that remembers, for each of its UTF-16 code units, which code units of the
 * original text it came from. Detectors run on a view; findings are mapped back with {@link toOriginal} so
 * they cover the original characters exactly.
 */
export interface TextView {
  /** The transformed text. */
  readonly text: string;
  /** `starts[i]`: offset in the original text of the first code unit that produced `text[i]`. */
  readonly starts: Int32Array;
  /** `ends[i]`: offset in the original text just after the last code unit that produced `text[i]`. */
  readonly ends: Int32Array;
  /** Length of the original text. */
  readonly originalLength: number;
}

/** Builds a {@link TextView} piece by piece, in order. Amortized O(1) per code unit. */
export class ViewBuilder {
  private codes: Uint16Array;
  private starts: Int32Array;
  private ends: Int32Array;
  private length = 0;

  constructor(
    private readonly originalLength: number,
    capacity = originalLength,
  ) {
    const size = Math.max(16, capacity + 1);
    this.codes = new Uint16Array(size);
    this.starts = new Int32Array(size);
    this.ends = new Int32Array(size);
  }

  /** Appends `piece`, every code unit of which came from `[start, end)` of the original. */
  push(piece: string, start: number, end: number): void {
    const n = piece.length;
    if (n === 0) return;
    this.reserve(n);
    for (let i = 0; i < n; i++) {
      const at = this.length + i;
      this.codes[at] = piece.charCodeAt(i);
      this.starts[at] = start;
      this.ends[at] = end;
    }
    this.length += n;
  }

  /** Appends one code unit that came from `[start, end)` of the original. */
  pushCode(code: number, start: number, end: number): void {
    if (this.length + 1 > this.starts.length) this.reserve(1);
    this.codes[this.length] = code;
    this.starts[this.length] = start;
    this.ends[this.length] = end;
    this.length++;
  }

  /** Appends `text[from, to)` of the original text itself (each code unit maps to itself). */
  pushOriginal(text: string, from: number, to: number): void {
    const n = to - from;
    if (n <= 0) return;
    this.reserve(n);
    for (let i = 0; i < n; i++) {
      const at = this.length + i;
      this.codes[at] = text.charCodeAt(from + i);
      this.starts[at] = from + i;
      this.ends[at] = from + i + 1;
    }
    this.length += n;
  }

  /** Appends `view.text[from, to)` with the offsets it already maps to. */
  copy(view: TextView, from: number, to: number): void {
    const n = to - from;
    if (n <= 0) return;
    this.reserve(n);
    for (let i = 0; i < n; i++) this.codes[this.length + i] = view.text.charCodeAt(from + i);
    this.starts.set(view.starts.subarray(from, to), this.length);
    this.ends.set(view.ends.subarray(from, to), this.length);
    this.length += n;
  }

  /** The view built so far. */
  build(): TextView {
    const chunks: string[] = [];
    for (let i = 0; i < this.length; i += 8192) {
      chunks.push(String.fromCharCode.apply(null, this.codes.subarray(i, Math.min(this.length, i + 8192)) as unknown as number[]));
    }
    return { text: chunks.join(''), starts: this.starts.subarray(0, this.length), ends: this.ends.subarray(0, this.length), originalLength: this.originalLength };
  }

  private reserve(n: number): void {
    if (this.length + n <= this.starts.length) return;
    const size = Math.max(this.starts.length * 2, this.length + n);
    const c = new Uint16Array(size);
    c.set(this.codes.subarray(0, this.length));
    const s = new Int32Array(size);
    s.set(this.starts.subarray(0, this.length));
    const e = new Int32Array(size);
    e.set(this.ends.subarray(0, this.length));
    this.codes = c;
    this.starts = s;
    this.ends = e;
  }
}

/** 0, 1, 2, ... shared by every identity view (read-only; grown when a longer text comes). */
let iota = new Int32Array(0);

/**
 * The view of a text that is its own identity (no transformation; the text must have no surrogate pairs).
 * Allocates nothing per call: its maps are windows on one shared, read-only sequence.
 */
export function identityView(text: string): TextView {
  const n = text.length;
  if (iota.length < n + 1) {
    iota = new Int32Array(Math.max(n + 1, iota.length * 2, 1024));
    for (let i = 0; i < iota.length; i++) iota[i] = i;
  }
  return { text, starts: iota.subarray(0, n), ends: iota.subarray(1, n + 1), originalLength: n };
}

/** Maps `[start, end)` of a view back to `[start, end)` of the original text (end exclusive). */
export function toOriginal(view: TextView, start: number, end: number): { start: number; end: number } {
  if (end <= start) return { start: view.starts[start] ?? view.originalLength, end: view.starts[start] ?? view.originalLength };
  return { start: view.starts[start], end: view.ends[end - 1] };
}
