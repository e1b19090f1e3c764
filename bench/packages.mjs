// Bundled size of each Lambda handler and the time to load it in a fresh Node process (median of 10).
// @aws-sdk/* is external in the bundles (the Lambda runtime provides it), so the load resolves it from
// node_modules as the runtime would from its own copy.
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
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
    const script = `const t=process.hrtime.bigint();require(${JSON.stringify(file)});process.stdout.write(String(Number(process.hrtime.bigint()-t)/1e6))`;
    const loads = Array.from({ length: RUNS }, () => {
      const r = timed(process.execPath, ['-e', script], { env: { ...process.env, NODE_PATH: join(root, 'node_modules'), NODE_NO_WARNINGS: '1' } });
      if (r.status !== 0) throw new Error(`loading ${file} failed: ${r.stderr}`);
      return Number(r.stdout);
    });
    // As in Lambda, where the runtime's AWS SDK is on disk and the clients the handler imports load first:
    // the handler's own module load, after the @aws-sdk clients it uses were required.
    const clients = [...new Set([...readFileSync(file, 'utf8').matchAll(/require\("(@aws-sdk\/client-[a-z0-9-]+)"\)/g)].map((m) => m[1]))];
    const preload = clients.map((c) => `require(${JSON.stringify(c)});`).join('');
    const ownScript = `${preload}const t=process.hrtime.bigint();require(${JSON.stringify(file)});process.stdout.write(String(Number(process.hrtime.bigint()-t)/1e6))`;
    const own = Array.from({ length: RUNS }, () => {
      const r = timed(process.execPath, ['-e', ownScript], { env: { ...process.env, NODE_PATH: join(root, 'node_modules'), NODE_NO_WARNINGS: '1' } });
      if (r.status !== 0) throw new Error(`loading ${file} failed: ${r.stderr}`);
      return Number(r.stdout);
    });
    return { name, bytes, loadMs: median(loads), ownLoadMs: median(own), clients };
  });
  return {
    results: { nodeStartMs: empty, handlers: results },
    markdown: [
      `Lambda bundles (esbuild, minified, @aws-sdk external) and cold module load in a fresh Node process (median of ${RUNS}; node itself starts in ${fmt.ms(empty)}); "own load" first requires the @aws-sdk clients the handler uses, as the Lambda runtime provides them, and times the bundle alone:`,
      '',
      table(['handler', 'bundle', 'cold module load', 'own load (SDK clients preloaded)'], results.map((r) => [`lambda/${r.name}`, fmt.kib(r.bytes), fmt.ms(r.loadMs), fmt.ms(r.ownLoadMs)])),
    ].join('\n'),
  };
}
