import * as z from 'zod/mini';

/** Longest prompt (after template variables are filled in), in characters. */
export const MAX_PROMPT_CHARS = 32_000;
/** Grounding sources per request, and the longest one in characters (Bedrock's contextual grounding limit). */
export const MAX_GROUNDING_SOURCES = 5;
export const MAX_GROUNDING_SOURCE_CHARS = 100_000;
/** Template variables per request and the longest value. */
export const MAX_VARIABLES = 32;
export const MAX_VARIABLE_CHARS = 8_000;

const TEMPLATE_ID = /^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/;
const TEMPLATE_NAME = /^[A-Za-z][A-Za-z0-9_-]{0,63}$/;
const TEMPLATE_VERSION = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;
const VARIABLE_NAME = /^[A-Za-z_][A-Za-z0-9_]{0,63}$/;
// `{{ name }}` placeholders; bounded, so linear on any input.
const PLACEHOLDER = /\{\{ {0,2}([A-Za-z_][A-Za-z0-9_]{0,63}) {0,2}\}\}/g;

function typeError(what: string) {
  return { error: (issue: { input?: unknown }) => (issue.input === undefined ? 'is required' : `must be ${what}`) };
}

/** The body of `POST /v1/generate`, with the largest `maxTokens` the function allows. Unknown fields are rejected. */
export function generateRequestSchema(maxTokensLimit: number) {
  return z
    .strictObject({
      prompt: z.optional(z.string(typeError('a string')).check(z.refine((v) => v.trim().length > 0, 'must not be empty'), z.maxLength(MAX_PROMPT_CHARS, `must be at most ${MAX_PROMPT_CHARS} characters`))),
      /** A template of the deployment's prompt catalog (issue 18), instead of a raw prompt. */
      template: z.optional(z.string(typeError('a string')).check(z.regex(TEMPLATE_NAME, 'must be a template name: 1-64 letters, digits, "-" or "_", starting with a letter'))),
      promptTemplateId: z.optional(z.string(typeError('a string')).check(z.regex(TEMPLATE_ID, 'must be 1-128 letters, digits, ".", "-" or "_"'))),
      promptTemplateVersion: z.optional(z.string(typeError('a string')).check(z.regex(TEMPLATE_VERSION, 'must be 1-64 letters, digits, ".", "-" or "_"'))),
      variables: z.optional(
        z
          .record(
            z.string().check(z.regex(VARIABLE_NAME, 'variable names must be identifiers (letters, digits, "_")')),
            z.string(typeError('a string')).check(z.maxLength(MAX_VARIABLE_CHARS, `must be at most ${MAX_VARIABLE_CHARS} characters`)),
          )
          .check(z.refine((v) => Object.keys(v).length <= MAX_VARIABLES, `must have at most ${MAX_VARIABLES} entries`)),
      ),
      groundingSources: z.optional(
        z
          .array(
            z.string(typeError('a string')).check(z.refine((v) => v.trim().length > 0, 'must not be empty'), z.maxLength(MAX_GROUNDING_SOURCE_CHARS, `must be at most ${MAX_GROUNDING_SOURCE_CHARS} characters`)),
            typeError('an array of strings'),
          )
          .check(z.minLength(1, 'must have at least one source when given'), z.maxLength(MAX_GROUNDING_SOURCES, `must have at most ${MAX_GROUNDING_SOURCES} sources`)),
      ),
      maxTokens: z.optional(
        z
          .number(typeError(`an integer from 1 to ${maxTokensLimit}`))
          .check(
            z.refine(Number.isInteger, `must be an integer from 1 to ${maxTokensLimit}`),
            z.gte(1, `must be from 1 to ${maxTokensLimit}`),
            z.lte(maxTokensLimit, `must be from 1 to ${maxTokensLimit}`),
          ),
      ),
    })
    .check(
      // A raw prompt or a catalog template, never both.
      z.refine((b) => b.prompt !== undefined || b.template !== undefined, { message: 'is required (or send a template)', path: ['prompt'] }),
      z.refine((b) => b.prompt === undefined || b.template === undefined, { message: 'not accepted with a prompt: send one of them', path: ['template'] }),
      // A template fixes the inference settings; the old placeholder fields belong to raw prompts.
      z.refine((b) => b.template === undefined || b.maxTokens === undefined, { message: 'set by the template; not accepted with a template', path: ['maxTokens'] }),
      z.refine((b) => b.template === undefined || b.promptTemplateId === undefined, { message: 'not accepted with a template (deprecated: use template)', path: ['promptTemplateId'] }),
      z.refine((b) => b.variables === undefined || b.promptTemplateId !== undefined || b.template !== undefined, {
        message: 'variables are only accepted with a template (or the deprecated promptTemplateId)',
        path: ['variables'],
      }),
      z.refine((b) => b.promptTemplateVersion === undefined || b.promptTemplateId !== undefined, {
        message: 'promptTemplateVersion needs a promptTemplateId',
        path: ['promptTemplateVersion'],
      }),
    );
}

/** A validated request. */
export type GenerateRequest = z.infer<ReturnType<typeof generateRequestSchema>>;

/** The outcome of {@link parseGenerateRequest} (`prompt` is empty for a template request). */
export type ParseResult = { readonly ok: true; readonly request: GenerateRequest; readonly prompt: string } | { readonly ok: false; readonly error: string; readonly details: string[] };

/**
 * Validates a parsed JSON body and fills a raw prompt's `{{name}}` placeholders from `variables` (deprecated
 * with `promptTemplateId`; a `template` request is filled from the catalog instead). Never throws.
 */
export function parseGenerateRequest(json: unknown, maxTokensLimit: number): ParseResult {
  if (typeof json !== 'object' || json === null || Array.isArray(json)) {
    return { ok: false, error: 'the request body must be a JSON object', details: [] };
  }
  const parsed = generateRequestSchema(maxTokensLimit).safeParse(json);
  if (!parsed.success) {
    return { ok: false, error: 'invalid request', details: parsed.error.issues.map(describeIssue) };
  }
  const request = parsed.data;
  // A template request is filled from the catalog (lambda/guardrail/prompts), not here.
  if (request.template !== undefined) return { ok: true, request, prompt: '' };
  const raw = request.prompt!;
  if (!request.variables) return { ok: true, request, prompt: raw };
  const missing = new Set<string>();
  const vars = request.variables;
  const prompt = raw.replace(PLACEHOLDER, (whole, name: string) => {
    if (Object.prototype.hasOwnProperty.call(vars, name)) return vars[name];
    missing.add(name);
    return whole;
  });
  if (missing.size > 0) {
    // the placeholder names come from the caller: not echoed
    return { ok: false, error: 'invalid request', details: [`variables: ${missing.size} placeholder(s) in the prompt have no value`] };
  }
  if (prompt.length > MAX_PROMPT_CHARS) {
    return { ok: false, error: 'invalid request', details: [`prompt: must be at most ${MAX_PROMPT_CHARS} characters after variables are filled in`] };
  }
  if (prompt.trim().length === 0) {
    return { ok: false, error: 'invalid request', details: ['prompt: must not be empty after variables are filled in'] };
  }
  return { ok: true, request, prompt };
}

/** The fields a request may have (the only names an error message repeats). */
export const REQUEST_FIELDS: readonly string[] = ['prompt', 'template', 'promptTemplateId', 'promptTemplateVersion', 'variables', 'groundingSources', 'maxTokens'];

/**
 * One issue as a detail line that never echoes the caller's input: not the names of unknown fields, not the
 * names of variables, not values — only the allowed field names, array positions and our own messages.
 */
export function describeIssue(issue: z.core.$ZodIssue): string {
  if (issue.code === 'unrecognized_keys') return `unknown field(s); allowed fields: ${REQUEST_FIELDS.join(', ')}`;
  const top = issue.path[0];
  if (top === undefined) return `body: ${issue.message}`;
  if (typeof top !== 'string' || !REQUEST_FIELDS.includes(top)) return `body: ${issue.message}`;
  // variables.<name>: the name is the caller's; groundingSources.<n>: a position is fine
  const second = issue.path[1];
  const field = top === 'groundingSources' && typeof second === 'number' ? `${top}.${second}` : top;
  // an invalid record key: our message for keys, from the nested issue (zod's own says only "Invalid input")
  const message = issue.code === 'invalid_key' ? (issue.issues[0]?.message ?? issue.message) : issue.message;
  return `${field}: ${message}`;
}
