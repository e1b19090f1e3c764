// Idle monthly cost of each profile's stack (from the synth section's templates, or a fresh synth).
import { join } from 'node:path';
import { costMarkdown, idleCost, prices } from './cost.mjs';
import { evaluationCostMarkdown, evaluationRunCosts } from './cost-evaluation.mjs';
import { assemblyStacks, synth, tmp } from './lib.mjs';

export function run({ synthStacks }) {
  let stacks = synthStacks;
  if (!stacks.length) {
    const out = join(tmp, 'cost');
    synth(undefined, out);
    stacks = assemblyStacks(out);
  }
  const results = {};
  const parts = [`Prices: ${prices.region}, recorded ${prices.date} in bench/prices.json (${prices.source}). Usage-based charges are not included.`];
  for (const s of stacks) {
    const cost = idleCost(s.template);
    results[s.name] = { totalMonthly: Number(cost.total.toFixed(2)), items: cost.items };
    parts.push(costMarkdown(s.name, cost));
  }
  // Usage that the platform itself starts: a red-team run and an output-evaluation run.
  results.evaluationRuns = evaluationRunCosts();
  parts.push(`Per run of the evaluation (red team, output evaluation):\n\n${evaluationCostMarkdown()}`);
  return { title: 'Idle cost', results, markdown: parts.join('\n\n') };
}
