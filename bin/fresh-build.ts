import { existsSync, readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';

/**
 * `cdk synth` runs the built JavaScript (`dist/`), not the TypeScript sources, so that a synth never
 * type-checks or transpiles the library. This check makes a stale build an error instead of a silent
 * synth of old code: it compares the newest source under lib/, bin/ and lambda/ with the build outputs.
 * It costs a few hundred `stat` calls.
 */
export function assertFreshBuild(root: string): void {
  const built = [join(root, 'dist', 'lib', 'index.js'), join(root, 'dist', 'bin', 'genai-platform.js')];
  const missing = built.find((f) => !existsSync(f));
  if (missing) throw new Error(`${relative(root, missing)} is missing: run "npm run build" (npm ci runs it through "prepare").`);
  const builtAt = Math.min(...built.map((f) => statSync(f).mtimeMs));
  const stale = newest(join(root, 'lib'), builtAt) ?? newest(join(root, 'bin'), builtAt);
  if (stale) throw new Error(`${relative(root, stale)} changed after the last build: run "npm run build" (or keep "npm run watch" running) before "cdk synth".`);
  const lambdaRoot = join(root, 'lambda');
  if (!existsSync(lambdaRoot)) return;
  const bundles = readdirSync(lambdaRoot).filter((n) => existsSync(join(root, 'dist', 'lambda', n, 'index.js')));
  if (bundles.length === 0) return;
  const bundledAt = Math.min(...bundles.map((n) => statSync(join(root, 'dist', 'lambda', n, 'index.js')).mtimeMs));
  const staleHandler = newest(lambdaRoot, bundledAt);
  if (staleHandler) throw new Error(`${relative(root, staleHandler)} changed after the Lambda bundles were built: run "npm run build".`);
}

function newest(dir: string, than: number): string | undefined {
  if (!existsSync(dir)) return undefined;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) {
      const found = newest(path, than);
      if (found) return found;
    } else if (entry.name.endsWith('.ts') && !entry.name.endsWith('.d.ts') && statSync(path).mtimeMs > than) {
      return path;
    }
  }
  return undefined;
}
