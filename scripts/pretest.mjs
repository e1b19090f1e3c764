// `npm test` runs this first (`pretest`): the build (`npm run build`: jsii for lib/, esbuild for bin/, cli/ and
// the Lambda bundles), unless every build output is newer than every file it is built from (as after `npm ci`,
// whose `prepare` builds, or after a build of the same tree). The rest are test files that jest schedules side
// by side: the type check of the whole project (test/typecheck.test.ts) and the offline red-team gate, the
// script `npm run eval` runs (test/lambda/red-team/offline-eval.test.ts).
import { spawn } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';

const root = new URL('..', import.meta.url).pathname;

/** What the build reads: sources, the build scripts and what jsii copies into the assembly. */
const INPUTS = ['lib', 'bin', 'cli', 'lambda', 'package.json', 'package-lock.json', 'README.md', 'scripts/build-bin.mjs', 'scripts/bundle-lambdas.mjs', 'scripts/bundle-cli.mjs'];

/** The newest file under `path` (a file or a folder), as [mtime, path]. */
function newest(path) {
  if (!existsSync(path)) return [0, path];
  const stat = statSync(path);
  if (!stat.isDirectory()) return [stat.mtimeMs, path];
  let best = [0, path];
  for (const entry of readdirSync(path)) {
    const found = newest(join(path, entry));
    if (found[0] > best[0]) best = found;
  }
  return best;
}

/** Why the build must run, or undefined when every output is newer than every input. */
function staleBecause() {
  const lambdaOut = join(root, 'dist', 'lambda');
  const outputs = [
    '.jsii', 'dist/lib/index.js', 'dist/bin/genai-platform.js', 'dist/cli/genai-diff.js',
    ...(existsSync(lambdaOut) ? readdirSync(lambdaOut).map((n) => `dist/lambda/${n}/index.js`) : []),
  ].map((f) => join(root, f));
  if (!existsSync(lambdaOut)) return 'dist/lambda is missing';
  const missing = outputs.find((f) => !existsSync(f));
  if (missing) return `${relative(root, missing)} is missing`;
  const builtAt = Math.min(...outputs.map((f) => statSync(f).mtimeMs));
  const [changedAt, changed] = INPUTS.map((p) => newest(join(root, p))).reduce((a, b) => (b[0] > a[0] ? b : a));
  return changedAt > builtAt ? `${relative(root, changed)} changed after the last build` : undefined;
}

function run(command, args) {
  return new Promise((resolve) => {
    const child = spawn(command, args, { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (d) => { output += d; });
    child.stderr.on('data', (d) => { output += d; });
    child.on('close', (code) => resolve({ code, output }));
  });
}

async function job(name, steps) {
  const started = Date.now();
  for (const [command, args] of steps) {
    const { code, output } = await run(command, args);
    if (output.trim()) process.stdout.write(`${output.trimEnd()}\n`);
    if (code !== 0) {
      console.error(`pretest: ${name} failed (${command} ${args.join(' ')} exited with ${code})`);
      return false;
    }
  }
  console.log(`pretest: ${name} done in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  return true;
}

const stale = staleBecause();
console.log(stale ? `pretest: building (${stale})` : 'pretest: the build is up to date (every output is newer than lib/, bin/, cli/, lambda/ and package.json)');
const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
const ok = stale ? await job('build', [[npm, ['run', '--silent', 'build']]]) : true;
process.exit(ok ? 0 : 1);
