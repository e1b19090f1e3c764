/**
 * What a prompt version carries besides Bedrock's own fields, as variant metadata (key and value limited to
 * `[a-zA-Z0-9\s._:/=+@-]`, 1-1024 characters). The guardrail function reads it back
 * (lambda/guardrail/prompts/resolve.ts; a test keeps both in step): the declared variables and the context
 * budget are part of the immutable version, so changing them publishes a new version like any other change.
 */
export const PROMPT_METADATA = {
  template: 'genai:template',
  variant: 'genai:variant',
  budget: 'genai:budget',
  truncation: 'genai:truncation',
  variablePrefix: 'genai:var:',
} as const;

/** A declared variable as the metadata stores it. */
export interface VariableMetadata {
  readonly name: string;
  readonly format: string;
  readonly maxLength: number;
  readonly allowedValues?: readonly string[];
}

/** `format=TEXT max=8000`, plus ` values=<base64 of a JSON array>` for ONE_OF (base64 fits the allowed characters). */
export function variableMetadataValue(v: VariableMetadata): string {
  const base = `format=${v.format} max=${v.maxLength}`;
  return v.allowedValues ? `${base} values=${Buffer.from(JSON.stringify(v.allowedValues), 'utf8').toString('base64')}` : base;
}

/** A well-formed placeholder: `{{name}}`, no spaces. */
export const PLACEHOLDER = /^\{\{([A-Za-z][A-Za-z0-9_]{0,63})\}\}$/;
/** Anything that looks like a placeholder, to report malformed ones. */
const ANY_PLACEHOLDER = /\{\{[^{}]{0,200}\}\}/g;

/** The variable names a text uses, and the placeholders it writes in a form Bedrock would not fill. */
export function placeholdersOf(text: string): { readonly names: string[]; readonly malformed: string[] } {
  const names: string[] = [];
  const malformed: string[] = [];
  for (const m of text.matchAll(ANY_PLACEHOLDER)) {
    const name = PLACEHOLDER.exec(m[0])?.[1];
    if (name === undefined) malformed.push(m[0]);
    else if (!names.includes(name)) names.push(name);
  }
  return { names, malformed };
}

/** Characters of a text without its placeholders (what the template adds to every prompt). */
export function fixedLength(text: string): number {
  return text.replace(ANY_PLACEHOLDER, '').length;
}
