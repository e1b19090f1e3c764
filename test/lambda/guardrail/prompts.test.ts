import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { loadCatalog } from '../../../lambda/guardrail/prompts/catalog';
import { promptDesign } from '../../../lambda/guardrail/prompts/design';
import { checkVariables, endpointInputs, fitBudget, render } from '../../../lambda/guardrail/prompts/fill';
import { TemplateCache, variableSpec, versionOf } from '../../../lambda/guardrail/prompts/resolve';
import type { TemplateVersion, VariantRef } from '../../../lambda/guardrail/prompts/types';
import { PromptCatalog } from '../../../lib/prompts/prompt-catalog';
import { ContextTruncation, PromptContent, PromptMessageRole, VariableFormat } from '../../../lib/prompts/prompt-template';

/** A version with the given messages, system prompt, variables and budget. */
function v(text: string, budgetChars: number, variables: TemplateVersion['variables'], opts: Partial<TemplateVersion> = {}): TemplateVersion {
  return { template: 't', variant: 'a', promptId: 'PROMPTAAAA', version: '1', arn: 'arn', messages: [{ role: 'user', text }], inference: {}, variables, budgetChars, truncation: 'TRUNCATE_LONGEST', ...opts };
}
const text = (name: string, maxLength = 8000) => ({ name, format: 'TEXT' as const, maxLength });

describe('the context budget (fitBudget)', () => {
  test('a template that fits is left alone', () => {
    expect(fitBudget(v('Q: {{q}}', 20, [text('q')]), { q: 'short' })).toEqual({ ok: true, values: { q: 'short' }, truncatedChars: 0, truncated: [] });
  });

  test('TRUNCATE_LONGEST cuts the longest text variables to one common length; shorter ones and other formats stay whole', () => {
    // fixed: "A:" + " B:" + " C:" + " N:" = 11 characters, n (INTEGER) 3 more: 86 left for a, b and c
    const version = v('A:{{a}} B:{{b}} C:{{c}} N:{{n}}', 100, [text('a'), text('b'), text('c'), { name: 'n', format: 'INTEGER', maxLength: 5 }]);
    const fit = fitBudget(version, { a: 'x'.repeat(100), b: 'y'.repeat(60), c: 'z'.repeat(10), n: '123' });
    expect(fit).toEqual({ ok: true, values: { a: 'x'.repeat(38), b: 'y'.repeat(38), c: 'z'.repeat(10), n: '123' }, truncatedChars: 62 + 22, truncated: ['a', 'b'] });
    expect(render(version.messages, (fit as any).values)[0].text.length).toBe(100);
  });

  test('a variable used twice counts twice; the system prompt counts too', () => {
    const version = v('{{a}} and again {{a}}', 50, [text('a')], { system: 'x'.repeat(20) });
    const fit = fitBudget(version, { a: 'a'.repeat(40) });
    // 20 (system) + 11 (" and again ") + 2 x 9 = 49; 10 would make 51
    expect(fit.ok && fit.values.a.length).toBe(9);
  });

  test('REJECT refuses; so does TRUNCATE_LONGEST when the fixed part alone is over budget', () => {
    expect(fitBudget(v('Q: {{q}}', 10, [text('q')], { truncation: 'REJECT' }), { q: 'much too long' })).toEqual({ ok: false, error: 'the filled template is longer than its context budget of 10 characters' });
    expect(fitBudget(v('Q: {{q}} {{n}}', 10, [text('q'), { name: 'n', format: 'NUMBER', maxLength: 20 }]), { q: 'x', n: '1234567890.5' })).toEqual({
      ok: false,
      error: 'the filled template is longer than its context budget of 10 characters, even with every text variable emptied',
    });
  });

  test('a cut never splits a surrogate pair', () => {
    const fit = fitBudget(v('{{q}}', 3, [text('q')]), { q: 'ab😀😀' });
    expect(fit.ok && fit.values.q).toBe('ab');
  });
});

describe('variables, rendering and the endpoint body', () => {
  test('values are filled in one pass: a value that looks like a placeholder stays as it is', () => {
    expect(render([{ role: 'user', text: '{{a}} / {{b}}' }], { a: '{{b}}', b: 'B' })[0].text).toBe('{{b}} / B');
  });

  test('formats: integers, decimals and allowed values', () => {
    const version = v('{{i}} {{d}} {{o}}', 1000, [
      { name: 'i', format: 'INTEGER', maxLength: 10 },
      { name: 'd', format: 'NUMBER', maxLength: 10 },
      { name: 'o', format: 'ONE_OF', maxLength: 10, values: ['x', 'y'] },
    ]);
    expect(checkVariables(version, { i: '-12', d: '3.5', o: 'y' })).toEqual([]);
    expect(checkVariables(version, { i: '1.5', d: '1e3', o: 'z' })).toEqual(['variables.i: must be an integer', 'variables.d: must be a decimal number', "variables.o: must be one of the template's allowed values"]);
    expect(checkVariables(version, undefined)).toEqual(['variables: missing i, d, o']);
  });

  test('SageMaker inputs: system prompt first; chat messages prefixed with their role', () => {
    expect(endpointInputs('Sys', [{ role: 'user', text: 'Q' }])).toBe('Sys\n\nQ');
    expect(endpointInputs(undefined, [{ role: 'user', text: 'Q1' }, { role: 'assistant', text: 'A1' }, { role: 'user', text: 'Q2' }])).toBe('User: Q1\n\nAssistant: A1\n\nUser: Q2');
  });
});

describe('what the catalog writes is what the function reads', () => {
  test('a synthesized template, read back through GetPrompt\'s shape, resolves to the same messages, settings, variables and budget', () => {
    const stack = new Stack(new App(), 'S');
    const catalog = new PromptCatalog(stack, 'Catalog', { modelId: 'amazon.nova-lite-v1:0' });
    catalog.addTemplate('Support', {
      templateName: 'support',
      content: PromptContent.chat([
        { role: PromptMessageRole.USER, text: 'Hi' },
        { role: PromptMessageRole.ASSISTANT, text: 'Hello! How can I help?' },
        { role: PromptMessageRole.USER, text: '{{question}} ({{language}}, {{limit}} words)' },
      ]),
      systemPrompt: 'You are the support assistant.',
      variables: [{ name: 'question', maxLength: 600 }, { name: 'language', format: VariableFormat.ONE_OF, maxLength: 30, allowedValues: ['English', 'Español', '日本語'] }, { name: 'limit', format: VariableFormat.INTEGER, maxLength: 4 }],
      inference: { maxTokens: 256, temperature: 0, topP: 1, stopSequences: ['</answer>'] },
      contextBudgetChars: 5000,
      truncation: ContextTruncation.REJECT,
    });
    const [cfn] = Object.values(Template.fromStack(stack).findResources('AWS::Bedrock::Prompt')) as any[];
    const variant = cfn.Properties.Variants[0];
    // GetPrompt answers with the same document, in camelCase.
    const camel = (x: any): any => (Array.isArray(x) ? x.map(camel) : x && typeof x === 'object' ? Object.fromEntries(Object.entries(x).map(([k, y]) => [k[0].toLowerCase() + k.slice(1), camel(y)])) : x);
    const ref: VariantRef = { variant: 'default', weight: 1, promptId: 'PROMPTAAAA', version: '4' };
    const catalogConfig = { name: 'c', arnPrefix: 'arn:aws:bedrock:us-east-1:123456789012:prompt/', templates: {}, cacheTtlMs: 1 };
    const resolved = versionOf({ version: '4', variants: [camel(variant)] }, ref, 'support', catalogConfig);
    expect(resolved).toEqual({
      template: 'support',
      variant: 'default',
      promptId: 'PROMPTAAAA',
      version: '4',
      arn: 'arn:aws:bedrock:us-east-1:123456789012:prompt/PROMPTAAAA:4',
      system: 'You are the support assistant.',
      messages: [
        { role: 'user', text: 'Hi' },
        { role: 'assistant', text: 'Hello! How can I help?' },
        { role: 'user', text: '{{question}} ({{language}}, {{limit}} words)' },
      ],
      inference: { maxTokens: 256, temperature: 0, topP: 1, stopSequences: ['</answer>'] },
      modelId: 'amazon.nova-lite-v1:0',
      variables: [
        { name: 'question', format: 'TEXT', maxLength: 600 },
        { name: 'language', format: 'ONE_OF', maxLength: 30, values: ['English', 'Español', '日本語'] },
        { name: 'limit', format: 'INTEGER', maxLength: 4 },
      ],
      budgetChars: 5000,
      truncation: 'REJECT',
    });
    expect(promptDesign('c', resolved, 'bedrock', 0)).toEqual({
      catalog: 'c',
      template: 'support',
      version: '4',
      variant: 'default',
      settings: { maxTokens: 256, temperature: 0, topP: 1, stopSequences: ['</answer>'], contextBudgetChars: 5000, truncation: 'REJECT' },
      rendering: 'bedrock',
      truncatedChars: 0,
    });
    // Another template's version is refused.
    expect(() => versionOf({ version: '4', variants: [camel(variant)] }, ref, 'other', catalogConfig)).toThrow(/belongs to another template or variant/);
  });

  test('broken variable specifications are resolution errors', () => {
    expect(() => variableSpec('x', 'format=TEXT')).toThrow(/invalid specification/);
    expect(() => variableSpec('x', 'format=ONE_OF max=3 values=bm90IGpzb24=')).toThrow(/no allowed values/);
  });
});

describe('the catalog environment and the cache', () => {
  const env = (catalog: unknown, ttl?: string) => ({ PROMPT_CATALOG: JSON.stringify(catalog), PROMPT_CACHE_TTL_SECONDS: ttl });
  const good = { n: 'c', p: 'arn:aws:bedrock:us-east-1:123456789012:prompt/', t: { faq: [['a', 1, 'PROMPTAAAA:1']] } };

  test('reads the compact catalog; none without the variable', () => {
    expect(loadCatalog({})).toBeUndefined();
    expect(loadCatalog(env(good, '5'))).toEqual({ name: 'c', arnPrefix: good.p, templates: { faq: [{ variant: 'a', weight: 1, promptId: 'PROMPTAAAA', version: '1' }] }, cacheTtlMs: 5000 });
  });

  test('a broken catalog fails at cold start', () => {
    expect(() => loadCatalog({ PROMPT_CATALOG: '{' })).toThrow(/not valid JSON/);
    expect(() => loadCatalog(env({ ...good, p: 'arn:aws:s3:::bucket' }))).toThrow(/ARN prefix/);
    expect(() => loadCatalog(env({ ...good, t: { faq: [['a', 1, 'not-a-ref']] } }))).toThrow(/invalid variant/);
    expect(() => loadCatalog(env({ ...good, t: { faq: [['a', 0, 'PROMPTAAAA:1']] } }))).toThrow(/no variant with a positive weight/);
    expect(() => loadCatalog(env(good, 'soon'))).toThrow(/PROMPT_CACHE_TTL_SECONDS/);
  });

  test('concurrent misses share one load; entries expire after the TTL', async () => {
    let now = 0;
    const cache = new TemplateCache(1000, () => now);
    const ref: VariantRef = { variant: 'a', weight: 1, promptId: 'PROMPTAAAA', version: '1' };
    let loads = 0;
    const load = async () => {
      loads++;
      return v('x', 10, []);
    };
    await Promise.all([cache.get(ref, load).value, cache.get(ref, load).value]);
    expect(loads).toBe(1);
    now = 1001;
    expect(cache.get(ref, load).cached).toBe(false);
    expect(loads).toBe(2);
  });
});
