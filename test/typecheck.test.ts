import { spawnSync } from 'node:child_process';
import { join } from 'node:path';

const root = join(__dirname, '..');

/**
 * jest only transpiles (ts-jest, isolated modules), so the type check of the whole project is a test of its
 * own: lib/, lambda/, bin/, cli/, bench/ and test/ with the strict options of tsconfig.json. It runs as one
 * more test file next to the others instead of before them. Incremental: tsc keeps what it learned about
 * unchanged files in node_modules/.cache and re-checks every file a change can affect (a first run, as on a
 * fresh clone, checks everything).
 */
test('the whole project type-checks (tsc --noEmit)', () => {
  const tsc = join(root, 'node_modules', 'typescript', 'bin', 'tsc');
  const buildInfo = join(root, 'node_modules', '.cache', 'genai-platform-constructs', 'tsc.tsbuildinfo');
  // a larger young generation: tsc allocates ~1 GB of short-lived objects (about 7% less CPU here)
  const r = spawnSync(process.execPath, ['--max-semi-space-size=32', tsc, '--noEmit', '-p', root, '--incremental', '--tsBuildInfoFile', buildInfo], { cwd: root, encoding: 'utf8' });
  expect(`${r.stdout}${r.stderr}`).toBe('');
  expect(r.status).toBe(0);
});
