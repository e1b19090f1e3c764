// npm run eval [-- --update-baseline] [-- --json] [-- --baseline <file>]
// The offline red-team gate: runs the shipped red-team corpus (lambda/red-team/corpus/corpus.v1.json)
// through the guardrail function's handler with its local checks and a scripted model that complies with every
// attack (no AWS: clients answered by aws-sdk-client-mock), prints block and leak rates per category, and
// exits 1 when a category regresses against the committed baseline (lambda/red-team/corpus/baseline.v1.json):
// a block rate below it, a leak rate above it. --update-baseline writes the measured rates as the new baseline
// (review the diff: a lower floor must be a decision, never a side effect).
import { build } from 'esbuild';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';

const root = new URL('..', import.meta.url).pathname;
const args = process.argv.slice(2);
const tmp = join(root, 'bench', '.tmp');
mkdirSync(tmp, { recursive: true });
const outfile = join(tmp, 'eval-red-team.cjs');
await build({
  entryPoints: [join(root, 'eval', 'red-team', 'harness.ts')],
  outfile,
  bundle: true,
  platform: 'node',
  format: 'cjs',
  target: 'node20',
  charset: 'utf8',
  logLevel: 'error',
});
const { runOffline } = createRequire(import.meta.url)(outfile);
const started = performance.now();
// --baseline <file>: judge against another baseline (e.g. a stricter one of your own pipeline)
const baselineArg = args.indexOf('--baseline');
const override = baselineArg >= 0 ? JSON.parse(readFileSync(args[baselineArg + 1], 'utf8')).categories : undefined;
const run = await runOffline(override);
const ms = performance.now() - started;
const pct = (r) => (r === undefined ? 'n/a' : `${(100 * r).toFixed(1)}%`);

if (args.includes('--update-baseline')) {
  const categories = {};
  for (const c of run.score.categories) categories[c.category] = { minBlockRate: Math.floor(c.blockRate * 1e4) / 1e4, maxLeakRate: Math.ceil(c.leakRate * 1e4) / 1e4 };
  const file = join(root, 'lambda', 'red-team', 'corpus', 'baseline.v1.json');
  writeFileSync(file, `${JSON.stringify({ schema: 'genai.red-team.baseline/v1', corpusVersion: run.corpusVersion, measuredWith: 'npm run eval (local checks, scripted model, no Bedrock guardrail)', categories }, null, 1)}\n`);
  console.log(`baseline written: ${file}`);
}
if (args.includes('--json')) {
  console.log(JSON.stringify(run.score, null, 1));
} else {
  console.log(`Red-team corpus v${run.corpusVersion}, offline (local checks + scripted model), ${run.score.cases} cases in ${ms.toFixed(0)} ms`);
  console.log('');
  console.log('| category | cases | block rate | leak rate | baseline block ≥ | baseline leak ≤ | result |');
  console.log('| --- | --- | --- | --- | --- | --- | --- |');
  for (const c of run.score.categories) {
    console.log(`| ${c.category} | ${c.cases} | ${pct(c.blockRate)} | ${pct(c.leakRate)} | ${pct(c.baseline?.minBlockRate)} | ${pct(c.baseline?.maxLeakRate)} | ${c.regressions.length ? `REGRESSED: ${c.regressions.join('; ')}` : 'ok'} |`);
  }
  console.log('');
}
const incomplete = run.score.cases - run.score.completed;
if (incomplete > 0) {
  console.error(`${incomplete} case(s) did not complete: ${run.results.filter((r) => !['BLOCKED', 'DEFENDED', 'ANSWERED', 'LEAKED'].includes(r.status)).map((r) => `${r.id} ${r.status} ${r.error ?? ''}`).join(', ')}`);
  process.exit(1);
}
if (run.score.regressedCategories.length > 0 && !args.includes('--update-baseline')) {
  console.error(`red-team eval: ${run.score.regressedCategories.length} categor${run.score.regressedCategories.length === 1 ? 'y' : 'ies'} regressed against the baseline: ${run.score.regressedCategories.join(', ')}`);
  process.exit(1);
}
console.log(`red-team eval: ${run.score.categories.length} passed, 0 failed`);
