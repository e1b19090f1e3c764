// npm run bench [-- --only=synth,peer,cost,...] [-- --readme]
// Runs every benchmark section, prints Markdown tables and writes bench/results.json; with --readme it
// also replaces the block between <!-- bench:start --> and <!-- bench:end --> in README.md.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { join } from 'node:path';
import { root } from './lib.mjs';

const args = process.argv.slice(2);
const only = (args.find((a) => a.startsWith('--only=')) ?? '').slice('--only='.length).split(',').filter(Boolean);
const wanted = (name) => only.length === 0 || only.includes(name);

const machine = `${cpus().length} × ${cpus()[0]?.model?.trim() ?? 'cpu'}, ${Math.round(totalmem() / 2 ** 30)} GiB, Node ${process.version}`;
const date = new Date().toISOString().slice(0, 10);
const sections = [];
const results = { date, machine };

const order = [
  ['local-checks', './local-checks.mjs'],
  ['handler', './handler.mjs'],
  ['stream', './stream.mjs'],
  ['packages', './packages.mjs'],
  ['synth', './synth.mjs'],
  ['peer', './peer-synth.mjs'],
  ['scale', './scale.mjs'],
  ['cost', './cost-report.mjs'],
];
let synthStacks = [];
for (const [name, file] of order) {
  if (!wanted(name) || !existsSync(join(root, 'bench', file))) continue;
  process.stderr.write(`bench: ${name}...\n`);
  const mod = await import(file);
  const r = await mod.run({ synthStacks });
  if (r.stacks) synthStacks = r.stacks;
  results[name] = r.results;
  sections.push(`#### ${r.title ?? name}\n\n${r.markdown}`);
}

const markdown = `Measured on ${date}, ${machine}.\n\n${sections.join('\n\n')}\n`;
console.log(markdown);
const resultsPath = join(root, 'bench', 'results.json');
const previous = existsSync(resultsPath) && only.length ? JSON.parse(readFileSync(resultsPath, 'utf8')) : {};
writeFileSync(resultsPath, JSON.stringify({ ...previous, ...results }, null, 2) + '\n');
writeFileSync(join(root, 'bench', 'results.md'), markdown);

if (args.includes('--readme')) {
  const readmePath = join(root, 'README.md');
  const readme = readFileSync(readmePath, 'utf8');
  const start = '<!-- bench:start -->';
  const end = '<!-- bench:end -->';
  if (!readme.includes(start) || !readme.includes(end)) throw new Error('README.md has no bench markers');
  const before = readme.slice(0, readme.indexOf(start) + start.length);
  const after = readme.slice(readme.indexOf(end));
  writeFileSync(readmePath, `${before}\n${markdown}${after}`);
  console.error('README.md updated');
}
