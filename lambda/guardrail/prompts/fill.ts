import { PLACEHOLDER, TemplateMessage, TemplateVersion, Truncation } from './types';

const INTEGER = /^-?[0-9]{1,15}$/;
const NUMBER = /^-?[0-9]{1,15}(\.[0-9]{1,15})?$/;

/**
 * Checks the request's variables against the version's declarations. Problems name the declared variables
 * (the template's own names) but never a value, nor the name of a variable the template does not declare.
 */
export function checkVariables(version: TemplateVersion, given: { readonly [name: string]: string } | undefined): string[] {
  const values = given ?? {};
  const declared = version.variables.map((v) => v.name);
  const problems: string[] = [];
  const missing = declared.filter((n) => !Object.prototype.hasOwnProperty.call(values, n));
  if (missing.length > 0) problems.push(`variables: missing ${missing.join(', ')}`);
  const extra = Object.keys(values).filter((n) => !declared.includes(n)).length;
  if (extra > 0) problems.push(`variables: ${extra} variable(s) the template does not declare; declared: ${declared.join(', ') || 'none'}`);
  for (const spec of version.variables) {
    const value = values[spec.name];
    if (value === undefined) continue;
    if (value.length > spec.maxLength) problems.push(`variables.${spec.name}: must be at most ${spec.maxLength} characters`);
    else if (spec.format === 'INTEGER' && !INTEGER.test(value)) problems.push(`variables.${spec.name}: must be an integer`);
    else if (spec.format === 'NUMBER' && !NUMBER.test(value)) problems.push(`variables.${spec.name}: must be a decimal number`);
    else if (spec.format === 'ONE_OF' && !spec.values!.includes(value)) problems.push(`variables.${spec.name}: must be one of the template's allowed values`);
  }
  return problems;
}

/** The outcome of {@link fitBudget}. */
export type Fit =
  | { readonly ok: true; readonly values: { readonly [name: string]: string }; readonly truncatedChars: number; readonly truncated: readonly string[] }
  | { readonly ok: false; readonly error: string };

/** `text` cut to at most `length` UTF-16 units, never in the middle of a surrogate pair. */
function cut(text: string, length: number): string {
  let out = text.slice(0, length);
  const last = out.charCodeAt(out.length - 1);
  if (last >= 0xd800 && last <= 0xdbff) out = out.slice(0, -1);
  return out;
}

/**
 * Enforces the version's context budget: the system prompt plus the messages with every variable filled in
 * may have at most `budgetChars` characters.
 *
 * - `REJECT`: a request that does not fit is refused.
 * - `TRUNCATE_LONGEST`: TEXT variables are cut from their end, the longest first, to a common length, the
 *   largest at which everything fits (shorter variables stay whole; INTEGER, NUMBER and ONE_OF values are
 *   never cut). When the template's own text and those values alone exceed the budget, the request is refused.
 */
export function fitBudget(version: TemplateVersion, values: { readonly [name: string]: string }, policy: Truncation = version.truncation): Fit {
  const uses: { [name: string]: number } = {};
  let fixed = version.system?.length ?? 0;
  for (const m of version.messages) {
    fixed += m.text.length;
    for (const match of m.text.matchAll(PLACEHOLDER)) {
      uses[match[1]] = (uses[match[1]] ?? 0) + 1;
      fixed -= match[0].length;
    }
  }
  const text = version.variables.filter((v) => v.format === 'TEXT' && uses[v.name]).map((v) => v.name);
  for (const v of version.variables) if (!text.includes(v.name)) fixed += (uses[v.name] ?? 0) * (values[v.name]?.length ?? 0);
  const size = (level: number) => fixed + text.reduce((n, name) => n + uses[name] * Math.min(values[name].length, level), 0);
  const longest = Math.max(0, ...text.map((n) => values[n].length));
  if (size(longest) <= version.budgetChars) return { ok: true, values, truncatedChars: 0, truncated: [] };
  const over = `the filled template is longer than its context budget of ${version.budgetChars} characters`;
  if (policy === 'REJECT') return { ok: false, error: over };
  if (size(0) > version.budgetChars) return { ok: false, error: `${over}, even with every text variable emptied` };
  // The largest common length at which everything fits (binary search: size() grows with the level).
  let lo = 0;
  let hi = longest;
  while (lo < hi) {
    const mid = Math.ceil((lo + hi) / 2);
    if (size(mid) <= version.budgetChars) lo = mid;
    else hi = mid - 1;
  }
  const out: { [name: string]: string } = { ...values };
  const truncated: string[] = [];
  let truncatedChars = 0;
  for (const name of text) {
    if (values[name].length <= lo) continue;
    out[name] = cut(values[name], lo);
    truncated.push(name);
    truncatedChars += values[name].length - out[name].length;
  }
  return { ok: true, values: out, truncatedChars, truncated };
}

/** The messages with every `{{name}}` replaced by its value, in one pass (a value is never expanded again). */
export function render(messages: readonly TemplateMessage[], values: { readonly [name: string]: string }): TemplateMessage[] {
  return messages.map((m) => ({ role: m.role, text: m.text.replace(PLACEHOLDER, (whole, name: string) => values[name] ?? whole) }));
}

/** The rendered messages as one text (what the guardrail checks): the message texts separated by blank lines. */
export function joined(messages: readonly TemplateMessage[]): string {
  return messages.map((m) => m.text).join('\n\n');
}

/**
 * The `inputs` string a SageMaker text-generation container (TGI, LMI) gets: the system prompt, then the
 * messages; a chat template's messages are prefixed `User:` / `Assistant:`.
 */
export function endpointInputs(system: string | undefined, messages: readonly TemplateMessage[]): string {
  const body = messages.length === 1 && messages[0].role === 'user' ? messages[0].text : messages.map((m) => `${m.role === 'user' ? 'User' : 'Assistant'}: ${m.text}`).join('\n\n');
  return system ? `${system}\n\n${body}` : body;
}
