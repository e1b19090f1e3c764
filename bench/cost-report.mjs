// Idle monthly cost of each profile's stack: at the first deploy (from the synth section's templates, or a
// fresh synth of bin/) and once it serves a registry version (bench/apps/serving.ts).
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
  const servingOut = join(tmp, 'cost-serving');
  const serving = synth('npx ts-node --transpile-only bench/apps/serving.ts', servingOut);
  if (serving.status !== 0) throw new Error(`synth of bench/apps/serving.ts failed: ${serving.stderr}`);
  const states = [
    ['first deploy, no model yet', stacks],
    ['serving a registry version, no traffic', assemblyStacks(servingOut)],
  ];
  const results = {};
  const parts = [`Prices: ${prices.region}, recorded ${prices.date} in bench/prices.json (${prices.source}). Usage-based charges are not included.`];
  for (const [state, list] of states) {
    for (const s of list) {
      const cost = idleCost(s.template);
      results[`${s.name} (${state})`] = { totalMonthly: Number(cost.total.toFixed(2)), items: cost.items };
      parts.push(costMarkdown(`${s.name}, ${state}`, cost));
    }
  }
  // Usage that the platform itself starts: a red-team run and an output-evaluation run.
  results.evaluationRuns = evaluationRunCosts();
  parts.push(`Per run of the evaluation (red team, output evaluation):\n\n${evaluationCostMarkdown()}`);
  return { title: 'Idle cost', results, markdown: parts.join('\n\n') };
}
