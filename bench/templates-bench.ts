// Per-request CPU of a template request's own steps (no I/O): assignment, variable checks, budget, filling.
// Run: npx esbuild bench/templates-bench.ts --bundle --platform=node --outfile=/tmp/templates-bench.js && node /tmp/templates-bench.js
import { assignVariant } from '../lambda/guardrail/prompts/catalog';
import { checkVariables, fitBudget, joined, render } from '../lambda/guardrail/prompts/fill';
import type { TemplateVersion, VariantRef } from '../lambda/guardrail/prompts/types';

const version: TemplateVersion = {
  template: 'faq', variant: 'a', promptId: 'PROMPTAAAA', version: '1', arn: 'x', system: 'You are careful. '.repeat(20),
  messages: [{ role: 'user', text: 'Document:\n{{document}}\n\nNotes:\n{{notes}}\n\nQuestion: {{question}} ({{language}})' }],
  inference: {}, budgetChars: 12000, truncation: 'TRUNCATE_LONGEST',
  variables: [{ name: 'document', format: 'TEXT', maxLength: 8000 }, { name: 'notes', format: 'TEXT', maxLength: 8000 }, { name: 'question', format: 'TEXT', maxLength: 1000 }, { name: 'language', format: 'ONE_OF', maxLength: 20, values: ['English', 'German'] }],
};
const refs: VariantRef[] = [{ variant: 'a', weight: 50, promptId: 'PROMPTAAAA', version: '1' }, { variant: 'b', weight: 50, promptId: 'PROMPTBBBB', version: '1' }];
const values = { document: 'lorem ipsum '.repeat(666), notes: 'dolor sit '.repeat(700), question: 'When?'.repeat(50), language: 'English' };
function once(i: number) {
  assignVariant(refs, `arn:aws:sts::123456789012:assumed-role/app/user-${i}`, 'faq');
  if (checkVariables(version, values).length) throw new Error('invalid');
  const fit = fitBudget(version, values);
  if (!fit.ok) throw new Error('no fit');
  return joined(render(version.messages, fit.values)).length;
}
for (let i = 0; i < 2000; i++) once(i);
const runs = 20000;
const t = process.hrtime.bigint();
let n = 0;
for (let i = 0; i < runs; i++) n += once(i);
const us = Number(process.hrtime.bigint() - t) / 1000 / runs;
console.log(`template steps (2 x 8 KB text variables truncated to a 12,000-character budget): ${us.toFixed(1)} us per request (${runs} runs, ${n > 0 ? 'ok' : ''})`);
