// Bundled size of each Lambda handler and the time to load it in a fresh Node process (median of 10).
// @aws-sdk/* is external in the bundles (the Lambda runtime provides it): the AWS SDK modules a bundle
// requires are loaded first, so the figure is the bundle's own module load (the caps are 150 KiB and
// 60 ms per function; the guardrail function may carry its detection libraries up to 600 KiB and 120 ms).
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fmt, median, root, table, timed } from './lib.mjs';

const RUNS = 10;

export function run() {
  const dist = join(root, 'dist', 'lambda');
  const names = existsSync(dist) ? readdirSync(dist).filter((n) => existsSync(join(dist, n, 'index.js'))) : [];
  // The cost of starting node itself, subtracted so the figure is the module load alone.
  const empty = median(Array.from({ length: RUNS }, () => timed(process.execPath, ['-e', '0']).ms));
  const results = names.map((name) => {
    const file = join(dist, name, 'index.js');
    const bytes = statSync(file).size;
    const sdk = [...new Set([...readFileSync(file, 'utf8').matchAll(/require\("(@aws-sdk\/[^"]+)"\)/g)].map((m) => m[1]))];
    const script = `${sdk.map((m) => `require(${JSON.stringify(m)});`).join('')}const t=process.hrtime.bigint();require(${JSON.stringify(file)});process.stdout.write(String(Number(process.hrtime.bigint()-t)/1e6))`;
    const loads = Array.from({ length: RUNS }, () => {
      const r = timed(process.execPath, ['-e', script], { env: { ...process.env, NODE_PATH: join(root, 'node_modules') } });
      if (r.status !== 0) throw new Error(`loading ${file} failed: ${r.stderr}`);
      return Number(r.stdout);
    });
    return { name, bytes, loadMs: median(loads) };
  });
  return {
    results: { nodeStartMs: empty, handlers: results },
    markdown: [
      `Lambda bundles (esbuild, minified, @aws-sdk external) and the bundle's own module load in a fresh Node process with the AWS SDK clients it uses already loaded (median of ${RUNS}; node itself starts in ${fmt.ms(empty)}):`,
      '',
      table(['handler', 'bundle', 'own module load'], results.map((r) => [`lambda/${r.name}`, fmt.kib(r.bytes), fmt.ms(r.loadMs)])),
    ].join('\n'),
  };
}
