// The cost of one red-team run and one output-evaluation run, from bench/prices.json and the shipped corpus
// and probe set. `node bench/cost-evaluation.mjs` prints the table of docs/readme/evaluation.md; the cost
// report of `npm run bench` appends it. Assumptions are stated in the table's notes; change them below.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fmt, root, table } from './lib.mjs';

const prices = JSON.parse(readFileSync(join(root, 'bench', 'prices.json'), 'utf8'));
const corpus = JSON.parse(readFileSync(join(root, 'lambda', 'red-team', 'corpus', 'corpus.v1.json'), 'utf8'));
const probes = JSON.parse(readFileSync(join(root, 'lambda', 'output-evaluation', 'bias-probes.v1.json'), 'utf8'));

/** Tokens of a text: about four characters per token for English (more tokens for other scripts). */
const tokens = (chars) => Math.ceil(chars / 4);
const textUnits = (chars) => Math.max(1, Math.ceil(chars / 1000));
const model = (id) => prices.bedrockPer1kTokens[id];
const guardrailUnit = (() => {
  const g = prices.guardrailPer1kTextUnits;
  // the platform's guardrail: content filters and prompt attack, denied topics, PII, and grounding on the output
  return { input: g.contentAndPromptAttack + g.deniedTopics + g.sensitiveInformation, output: g.contentAndPromptAttack + g.deniedTopics + g.sensitiveInformation + g.contextualGrounding };
})();

/** Worst case of one case through the guardrail function: it is never blocked early and the model answers `answerTokens`. */
function caseCost(promptChars, sourceChars, modelId, answerTokens) {
  const m = model(modelId);
  const inChars = promptChars + sourceChars;
  const modelCost = (tokens(inChars) * m.input + answerTokens * m.output) / 1000;
  const guardIn = (textUnits(promptChars) * guardrailUnit.input) / 1000;
  const guardOut = (textUnits(answerTokens * 4 + sourceChars) * guardrailUnit.output) / 1000;
  return { modelCost, guardrailCost: guardIn + guardOut };
}

export function evaluationRunCosts({ servingModel = 'amazon.nova-lite-v1:0', judgeModel = 'amazon.nova-pro-v1:0', answerTokens = 300, sampleSize = 100, maxModelCalls = 200 } = {}) {
  const cases = corpus.cases.slice(0, maxModelCalls);
  let rtModel = 0;
  let rtGuard = 0;
  for (const c of cases) {
    const k = caseCost(c.prompt.length, (c.groundingSources ?? []).reduce((n, s) => n + s.length, 0), servingModel, answerTokens);
    rtModel += k.modelCost;
    rtGuard += k.guardrailCost;
  }
  // Lambda: the red-team function waits on the guardrail function (512 MB, ~4 s a case / concurrency 4) and the
  // guardrail function runs each case (1 GB, ~4 s).
  const rtLambda = cases.length * 4 * (1 * prices.lambdaPerGbSecondArm) + (cases.length / 4) * 4 * (0.5 * prices.lambdaPerGbSecondArm) + (cases.length * prices.lambdaPerMillionRequests) / 1e6;

  // Output evaluation: the probes run through the guardrail function like red-team cases...
  let probeModel = 0;
  let probeGuard = 0;
  for (const p of probes.pairs) for (const v of p.values) {
    const k = caseCost(p.template.replace('{X}', v).length, 0, servingModel, answerTokens);
    probeModel += k.modelCost;
    probeGuard += k.guardrailCost;
  }
  // ...and the judge scores every record on five metrics: each judgement reads the rubric, the prompt and the
  // answer (~1,200 tokens with a 500-character prompt and a 300-token answer) and writes ~250 tokens of reasoning.
  const records = sampleSize + 2 * probes.pairs.length;
  const judgeIn = 5 * records * 1200;
  const judgeOut = 5 * records * 250;
  const j = model(judgeModel);
  const judge = (judgeIn * j.input + judgeOut * j.output) / 1000;
  const rows = [
    { run: `Red-team run (${cases.length} cases, ${servingModel})`, model: rtModel, guardrail: rtGuard, other: rtLambda, note: `the shipped corpus (maxModelCalls caps a run at ${maxModelCalls}); ${answerTokens}-token answers and no case blocked early (blocked cases cost less); with a SageMaker endpoint the model calls run on the instances you already pay for` },
    { run: `Bias probes (${2 * probes.pairs.length} prompts, ${servingModel})`, model: probeModel, guardrail: probeGuard, other: 0, note: 'also what the promotion gate adds to its red-team run' },
    { run: `Judge (${records} records × 5 metrics, ${judgeModel})`, model: judge, guardrail: 0, other: 0, note: `${(judgeIn / 1e6).toFixed(2)}M input and ${(judgeOut / 1e6).toFixed(2)}M output tokens; no charge for the job itself` },
  ];
  for (const r of rows) r.total = r.model + r.guardrail + r.other;
  return { rows, redTeam: rows[0].total, evaluation: rows[1].total + rows[2].total };
}

export function evaluationCostMarkdown(options) {
  const c = evaluationRunCosts(options);
  const usd = (n) => (n === 0 ? '-' : n < 0.01 ? `$${n.toFixed(4)}` : fmt.usd(n));
  return [
    table(['per run', 'model calls', 'guardrail', 'Lambda', 'total', 'notes'], c.rows.map((r) => [r.run, usd(r.model), usd(r.guardrail), usd(r.other), usd(r.total), r.note])),
    '',
    `A red-team run costs about ${usd(c.redTeam)} and an output-evaluation run about ${usd(c.evaluation)}: weekly (DEV) about ${usd(4.35 * (c.redTeam + c.evaluation))} a month, daily (PROD) about ${usd(30.4 * (c.redTeam + c.evaluation))} a month, plus one gate run (${usd(c.redTeam + c.rows[1].total)}) per PROD rollout. Prices: ${prices.region}, bench/prices.json (${prices.date}).`,
  ].join('\n');
}

if (import.meta.url === `file://${process.argv[1]}`) console.log(evaluationCostMarkdown());
