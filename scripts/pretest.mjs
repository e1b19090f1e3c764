// `npm test` runs this first (`pretest`): the build (`npm run build`: jsii for lib/, esbuild for bin/, cli/ and
// the Lambda bundles), unless every build output is newer than every file it is built from (as after `npm ci`,
// whose `prepare` builds, or after a build of the same tree). The rest are test files that jest schedules side
// by side: the type check of the whole project (test/typecheck.test.ts) and the offline red-team gate, the
// script `npm run eval` runs (test/lambda/red-team/offline-eval.test.ts).
import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';

const root = new URL('..', import.meta.url).pathname;
const { staleBecause } = createRequire(import.meta.url)('./build-state.cjs');

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

const stale = staleBecause(root);
console.log(stale ? `pretest: building (${stale})` : 'pretest: the build is up to date (every output is newer than lib/, bin/, cli/, lambda/ and package.json)');
const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
const ok = stale ? await job('build', [[npm, ['run', '--silent', 'build']]]) : true;
process.exit(ok ? 0 : 1);
