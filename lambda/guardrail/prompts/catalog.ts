import { createHash } from 'node:crypto';
import type { CatalogConfig, VariantRef } from './types';

/** Default lifetime of a cached version: versions are immutable, the TTL only bounds how long a deleted one is served. */
export const DEFAULT_CACHE_TTL_MS = 60_000;

const NAME = /^[A-Za-z][A-Za-z0-9_-]{0,63}$/;
const PROMPT_REF = /^([0-9a-zA-Z]{10}):([0-9]{1,5})$/;

/**
 * Reads `PROMPT_CATALOG` (compact JSON written by PromptCatalog: `{"n": name, "p": arnPrefix,
 * "t": {template: [[variant, weight, "promptId:version"], ...]}}`) and `PROMPT_CACHE_TTL_SECONDS`.
 * Undefined without a catalog; throws (once, at cold start) when the deployment wrote something broken.
 */
export function loadCatalog(env: NodeJS.ProcessEnv): CatalogConfig | undefined {
  const value = env.PROMPT_CATALOG;
  if (value === undefined || value === '') return undefined;
  const fail = (what: string) => new Error(`environment variable PROMPT_CATALOG: ${what}`);
  let json: any;
  try {
    json = JSON.parse(value);
  } catch {
    throw fail('is not valid JSON');
  }
  if (typeof json?.n !== 'string' || typeof json?.p !== 'string' || !json.p.endsWith(':prompt/') || typeof json?.t !== 'object' || json.t === null) {
    throw fail('must have a name, an ARN prefix and templates');
  }
  const templates: { [template: string]: VariantRef[] } = {};
  for (const [template, variants] of Object.entries(json.t)) {
    if (!NAME.test(template) || !Array.isArray(variants) || variants.length === 0) throw fail('has an invalid template');
    templates[template] = variants.map((v: unknown) => {
      const [variant, weight, ref] = v as [unknown, unknown, unknown];
      const m = typeof ref === 'string' ? PROMPT_REF.exec(ref) : null;
      if (typeof variant !== 'string' || !NAME.test(variant) || typeof weight !== 'number' || !(weight >= 0) || !m) throw fail(`template ${template} has an invalid variant`);
      return { variant, weight, promptId: m[1], version: m[2] };
    });
    if (templates[template].reduce((n, v) => n + v.weight, 0) <= 0) throw fail(`template ${template} has no variant with a positive weight`);
  }
  const ttl = env.PROMPT_CACHE_TTL_SECONDS;
  const seconds = ttl === undefined || ttl === '' ? DEFAULT_CACHE_TTL_MS / 1000 : Number(ttl);
  if (!Number.isFinite(seconds) || seconds < 0) throw new Error('environment variable PROMPT_CACHE_TTL_SECONDS must be a number of seconds');
  return { name: json.n, arnPrefix: json.p, templates, cacheTtlMs: seconds * 1000 };
}

/**
 * The variant a caller gets for a template: sticky (the same caller always lands on the same variant while
 * the weights stay the same) and weighted. The caller identity and the template name are hashed (SHA-256)
 * to a point in [0, 1); the variants share that interval in proportion to their weights, in catalog order.
 * Changing the weights moves only the callers whose point falls into a share that changed.
 */
export function assignVariant(variants: readonly VariantRef[], caller: string, template: string): { readonly ref: VariantRef; readonly point: number } {
  const digest = createHash('sha256').update(`${template}\n${caller}`, 'utf8').digest();
  const point = digest.readUIntBE(0, 6) / 2 ** 48;
  const total = variants.reduce((n, v) => n + v.weight, 0);
  let edge = 0;
  for (const ref of variants) {
    edge += ref.weight / total;
    if (ref.weight > 0 && point < edge) return { ref, point };
  }
  // Rounding at the very top of the interval: the last variant with a positive weight.
  return { ref: [...variants].reverse().find((v) => v.weight > 0)!, point };
}
