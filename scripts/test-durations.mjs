// Writes test/durations.json (the order test/helpers/sequencer.js starts test files in when jest has no
// timings of its own) from a jest JSON report: `npm run test:durations` runs the suite once and saves the
// wall seconds of each file.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
let report = process.argv[2];
const dir = report ? undefined : mkdtempSync(join(tmpdir(), 'durations-'));
if (!report) {
  report = join(dir, 'jest.json');
  const r = spawnSync(join(root, 'node_modules', '.bin', 'jest'), ['--json', '--outputFile', report], { cwd: root, stdio: 'inherit' });
  if (r.status !== 0) process.exit(r.status ?? 1);
}
const results = JSON.parse(readFileSync(report, 'utf8')).testResults;
const seconds = Object.fromEntries(results
  .map((t) => [relative(root, t.name).split('\\').join('/'), Math.round((t.endTime - t.startTime) / 100) / 10])
  .sort(([a], [b]) => a.localeCompare(b)));
writeFileSync(join(root, 'test', 'durations.json'), `${JSON.stringify({ note: 'wall seconds per test file of one measured run (npm run test:durations); only the order matters', seconds }, null, 2)}\n`);
if (dir) rmSync(dir, { recursive: true, force: true });
console.log(`test/durations.json: ${results.length} files`);
