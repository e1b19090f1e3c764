// npm run readme [-- --check]
// Assembles README.md from docs/readme/*.md in a fixed order, keeping the benchmark block that
// `npm run bench -- --readme` writes between its markers. --check exits 1 when README.md is stale.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const root = new URL('..', import.meta.url).pathname;
const docs = join(root, 'docs', 'readme');
const ORDER = [
  '_intro.md',
  'secure-data-lake.md',
  'audit-trail.md',
  'training-pipeline.md',
  'inference-endpoint.md',
  'guardrails.md',
  'gen-ai-api.md',
  'prompts.md',
  'streaming.md',
  'evaluation.md',
  'genai-platform.md',
  'pipeline.md',
  'compliance.md',
  'ci-diff.md',
  '_outro.md',
];
const START = '<!-- bench:start -->';
const END = '<!-- bench:end -->';

const readmePath = join(root, 'README.md');
const current = existsSync(readmePath) ? readFileSync(readmePath, 'utf8') : '';
const bench = current.includes(START) && current.includes(END) ? current.slice(current.indexOf(START), current.indexOf(END) + END.length) : `${START}\n${END}`;

const parts = ORDER.filter((f) => existsSync(join(docs, f))).map((f) => readFileSync(join(docs, f), 'utf8').trim());
const assembled = `${parts.join('\n\n')}\n`.replace(/<!-- bench:start -->[\s\S]*?<!-- bench:end -->/, bench);

if (process.argv.includes('--check')) {
  if (assembled !== current) {
    console.error('README.md is stale: run "npm run readme".');
    process.exit(1);
  }
  process.exit(0);
}
writeFileSync(readmePath, assembled);
console.log(`README.md assembled from ${parts.length} parts`);
