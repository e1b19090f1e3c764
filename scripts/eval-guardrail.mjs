// npm run eval:guardrail [-- --misses] [-- --timing] [-- --no-timing] [-- --readme] [-- --check]
// Evaluates the guardrail's local checks (lambda/guardrail/local-checks.ts, bundled with esbuild as the
// Lambda bundles it) on the labeled corpus eval/guardrail/corpus.jsonl: precision and recall per finding
// type and overall, plain vs evasive recall, false-positive rate on hard negatives, and the worst time of
// one call on adversarial 32,000-character inputs. Prints Markdown (the table in docs/readme/guardrails.md).
import { build } from 'esbuild';
import { mkdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { ADVERSARIAL, timeCall } from '../bench/adversarial.mjs';

const root = new URL('..', import.meta.url).pathname;
const args = process.argv.slice(2);
const tmp = join(root, 'bench', '.tmp');
mkdirSync(tmp, { recursive: true });
const outfile = join(tmp, 'eval-local-checks.cjs');
await build({ entryPoints: [join(root, 'lambda', 'guardrail', 'local-checks.ts')], outfile, bundle: true, platform: 'node', format: 'cjs', target: 'node20', logLevel: 'error' });
const { inspectText } = createRequire(import.meta.url)(outfile);

const cases = readFileSync(join(root, 'eval', 'guardrail', 'corpus.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l));
const perType = new Map();
const stat = (t) => perType.get(t) ?? perType.set(t, { tp: 0, fp: 0, fn: 0 }).get(t);
const groups = { plain: [0, 0], evasive: [0, 0] };
const byCategory = new Map();
let negatives = 0;
let flagged = 0;
let blockedNegatives = 0;
let blockRight = 0;
let blockCases = 0;
const misses = [];
const falsePositives = [];
for (const c of cases) {
  const r = inspectText(c.text);
  const found = new Set(r.findings.map((f) => f.type));
  const expected = new Set(c.expected.types);
  for (const t of expected) (found.has(t) ? (stat(t).tp++, 0) : stat(t).fn++);
  for (const t of found) if (!expected.has(t)) stat(t).fp++;
  if (c.category === 'negative') {
    negatives++;
    if (found.size > 0) {
      flagged++;
      falsePositives.push(`${c.id} [${[...found]}] ${JSON.stringify(c.text).slice(0, 160)}`);
    }
    if (r.blocked) blockedNegatives++;
    continue;
  }
  const caught = [...expected].every((t) => found.has(t));
  const g = groups[c.evasion === 'none' ? 'plain' : 'evasive'];
  g[1]++;
  if (caught) g[0]++;
  else misses.push(`${c.id} ${c.evasion} want [${[...expected]}] got [${[...found]}] ${JSON.stringify(c.text).slice(0, 160)}`);
  const cat = byCategory.get(c.category) ?? byCategory.set(c.category, [0, 0]).get(c.category);
  cat[1]++;
  if (caught) cat[0]++;
  if (c.expected.blocked) {
    blockCases++;
    if (r.blocked) blockRight++;
  }
}

const pct = (a, b) => (b === 0 ? 'n/a' : `${((100 * a) / b).toFixed(1)}%`);
const rows = [...perType.entries()].sort((a, b) => a[0].localeCompare(b[0]));
let TP = 0;
let FP = 0;
let FN = 0;
for (const [, s] of rows) {
  TP += s.tp;
  FP += s.fp;
  FN += s.fn;
}

let timing;
if (!args.includes('--no-timing')) {
  timing = Object.entries(ADVERSARIAL).map(([name, make]) => ({ name, ...timeCall(inspectText, make(32_000)) }));
  timing.sort((a, b) => b.wallMs - a.wallMs);
}

const lines = [
  `Corpus: ${cases.length} cases (${cases.length - negatives} positive, of which ${groups.evasive[1]} evasive; ${negatives} hard negatives; ${[...new Set(cases.map((c) => c.lang))].length} languages).`,
  '',
  '| measure | value |',
  '| --- | --- |',
  `| recall, plain positives | ${pct(...groups.plain)} (${groups.plain[0]}/${groups.plain[1]}) |`,
  `| recall, evasive positives | ${pct(...groups.evasive)} (${groups.evasive[0]}/${groups.evasive[1]}) |`,
  `| false-positive rate (hard negatives with any finding) | ${pct(flagged, negatives)} (${flagged}/${negatives}) |`,
  `| hard negatives blocked | ${pct(blockedNegatives, negatives)} (${blockedNegatives}/${negatives}) |`,
  `| secrets and injections blocked | ${pct(blockRight, blockCases)} (${blockRight}/${blockCases}) |`,
  `| precision / recall over all findings | ${pct(TP, TP + FP)} / ${pct(TP, TP + FN)} |`,
  ...(timing ? [`| worst adversarial 32,000-character input (median of 7) | ${timing[0].wallMs.toFixed(1)} ms wall, ${Math.max(...timing.map((t) => t.cpuMs)).toFixed(1)} ms CPU (${timing[0].name}) |`] : []),
  '',
  '| finding type | precision | recall | cases |',
  '| --- | --- | --- | --- |',
  ...rows.map(([t, s]) => `| ${t} | ${pct(s.tp, s.tp + s.fp)} | ${pct(s.tp, s.tp + s.fn)} | ${s.tp + s.fn} |`),
  '',
  '| category | recall |',
  '| --- | --- |',
  ...[...byCategory.entries()].map(([k, [a, b]]) => `| ${k} | ${pct(a, b)} (${a}/${b}) |`),
];
console.log(lines.join('\n'));
if (timing && args.includes('--timing')) console.log('\n' + timing.map((t) => `${t.name}: ${t.wallMs.toFixed(2)} ms wall, ${t.cpuMs.toFixed(2)} ms CPU`).join('\n'));
if (args.includes('--misses')) {
  console.log(`\nMisses (${misses.length}):\n${misses.join('\n')}`);
  console.log(`\nFalse positives (${falsePositives.length}):\n${falsePositives.join('\n')}`);
}
if (args.includes('--readme')) {
  // The summary and per-type tables, between the eval markers of docs/readme/guardrails.md (then: npm run readme).
  const { writeFileSync } = await import('node:fs');
  const doc = join(root, 'docs', 'readme', 'guardrails.md');
  const text = readFileSync(doc, 'utf8');
  const start = '<!-- eval:start -->';
  const end = '<!-- eval:end -->';
  const table = lines.slice(0, lines.indexOf('| category | recall |') - 1).join('\n');
  writeFileSync(doc, `${text.slice(0, text.indexOf(start) + start.length)}\n${table}\n${text.slice(text.indexOf(end))}`);
  console.error('docs/readme/guardrails.md updated');
}
const failed = groups.plain[0] / groups.plain[1] < 0.97 || groups.evasive[0] / groups.evasive[1] < 0.85 || flagged / negatives > 0.01;
if (args.includes('--check') && failed) process.exit(1);
