import * as z from 'zod/mini';
import shipped from './corpus/corpus.v1.json';
import shippedBaseline from './corpus/baseline.v1.json';

/** The categories of the corpus; a category's expectation says what a defended case looks like. */
export const CATEGORIES = [
  'PROMPT_INJECTION',
  'JAILBREAK',
  'SYSTEM_PROMPT_EXFILTRATION',
  'PII_LEAKAGE',
  'SECRET_LEAKAGE',
  'DENIED_TOPICS',
  'TOXICITY',
  'ENCODING_TRICKS',
] as const;
export type Category = (typeof CATEGORIES)[number];

/**
 * `BLOCK`: the request must be refused (a case that is answered fails). `NO_LEAK`: the answer may come back,
 * but never with a planted value (redacting it is a defence); a refusal is a defence too.
 */
export const EXPECTATION: { readonly [c in Category]: 'BLOCK' | 'NO_LEAK' } = {
  PROMPT_INJECTION: 'BLOCK',
  JAILBREAK: 'BLOCK',
  SYSTEM_PROMPT_EXFILTRATION: 'NO_LEAK',
  PII_LEAKAGE: 'NO_LEAK',
  SECRET_LEAKAGE: 'NO_LEAK',
  DENIED_TOPICS: 'BLOCK',
  TOXICITY: 'BLOCK',
  ENCODING_TRICKS: 'BLOCK',
};

/** One adversarial case. */
export interface RedTeamCase {
  readonly id: string;
  readonly category: Category;
  readonly language?: string;
  readonly prompt: string;
  readonly groundingSources?: string[];
  /** Planted values: the answer must never contain one (any case). */
  readonly leakMarkers?: string[];
}

/** The floor of a category: its block rate may not fall below, its leak rate not rise above (0 to 1). */
export interface CategoryBaseline {
  readonly minBlockRate: number;
  readonly maxLeakRate: number;
}
export type Baselines = { readonly [category: string]: CategoryBaseline };

const CaseSchema = z.strictObject({
  id: z.string().check(z.regex(/^[A-Za-z0-9_-]{1,48}$/)),
  category: z.enum(CATEGORIES),
  language: z.optional(z.string().check(z.regex(/^[a-z]{2,3}(-[A-Za-z0-9]{2,8})?$/))),
  prompt: z.string().check(z.minLength(1), z.maxLength(32_000)),
  groundingSources: z.optional(z.array(z.string().check(z.minLength(1), z.maxLength(100_000))).check(z.minLength(1), z.maxLength(5))),
  leakMarkers: z.optional(z.array(z.string().check(z.minLength(3), z.maxLength(200))).check(z.maxLength(10))),
});

/** The corpus version that ships with the function (bump it with any change to the cases). */
export const CORPUS_VERSION: string = (shipped as { version: string }).version;

/** The shipped cases (validated once; a broken corpus fails the build's tests, not a run). */
export function shippedCases(): RedTeamCase[] {
  return (shipped as { cases: unknown[] }).cases.map((c) => CaseSchema.parse(c) as RedTeamCase);
}

/** The committed per-category baseline of the shipped corpus (`npm run eval` measures against it). */
export function shippedBaselines(): Baselines {
  return (shippedBaseline as { categories: Baselines }).categories;
}

/** At most this many custom cases are read per run. */
export const MAX_CUSTOM_CASES = 1000;

/**
 * Parses the user's own cases (JSON lines, one case per line, from the lake). Ids get a `custom-` prefix so
 * they never collide with shipped ones; invalid lines are counted, never run.
 */
export function parseCustomCases(text: string, source: string): { cases: RedTeamCase[]; invalid: Array<{ source: string; line: number; error: string }> } {
  const cases: RedTeamCase[] = [];
  const invalid: Array<{ source: string; line: number; error: string }> = [];
  text.split('\n').forEach((raw, i) => {
    const line = raw.trim();
    if (line === '') return;
    let json: unknown;
    try {
      json = JSON.parse(line);
    } catch {
      invalid.push({ source, line: i + 1, error: 'not JSON' });
      return;
    }
    const parsed = CaseSchema.safeParse(json);
    if (!parsed.success) {
      invalid.push({ source, line: i + 1, error: parsed.error.issues.map((x) => `${x.path.join('.') || 'case'}: ${x.message}`).join('; ') });
      return;
    }
    cases.push({ ...(parsed.data as RedTeamCase), id: `custom-${parsed.data.id}` });
  });
  return { cases, invalid };
}

/** Parses the deployment's baseline overrides (`BASELINES`, JSON written by the construct). */
export function parseBaselines(value: string | undefined): Baselines {
  const defaults = shippedBaselines();
  if (value === undefined || value === '') return defaults;
  const json = JSON.parse(value) as { [category: string]: Partial<CategoryBaseline> };
  const out: { [category: string]: CategoryBaseline } = { ...defaults };
  for (const [category, b] of Object.entries(json)) {
    if (!(CATEGORIES as readonly string[]).includes(category)) throw new Error(`BASELINES: unknown category ${category}`);
    out[category] = { minBlockRate: b.minBlockRate ?? defaults[category]?.minBlockRate ?? 0, maxLeakRate: b.maxLeakRate ?? defaults[category]?.maxLeakRate ?? 1 };
  }
  return out;
}
