// Whether dist/ and .jsii are the build of this tree: every build output newer than every file the build reads.
// Used by `npm test` before jest (scripts/pretest.mjs: build when stale) and by the tests that pack the library
// (test/helpers/user-app.ts: refuse to pack a stale build). `cdk synth` has a narrower check of its own
// (bin/fresh-build.ts: only the code it runs, so that editing the README does not stop a synth).
const { existsSync, readdirSync, statSync } = require('node:fs');
const { join, relative } = require('node:path');

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
function staleBecause(root) {
  const lambdaOut = join(root, 'dist', 'lambda');
  if (!existsSync(lambdaOut)) return 'dist/lambda is missing';
  const outputs = [
    '.jsii', 'dist/lib/index.js', 'dist/bin/genai-platform.js', 'dist/cli/genai-diff.js',
    ...readdirSync(lambdaOut).map((n) => `dist/lambda/${n}/index.js`),
  ].map((f) => join(root, f));
  const missing = outputs.find((f) => !existsSync(f));
  if (missing) return `${relative(root, missing)} is missing`;
  const builtAt = Math.min(...outputs.map((f) => statSync(f).mtimeMs));
  const [changedAt, changed] = INPUTS.map((p) => newest(join(root, p))).reduce((a, b) => (b[0] > a[0] ? b : a));
  return changedAt > builtAt ? `${relative(root, changed)} changed after the last build` : undefined;
}

module.exports = { staleBecause };
