// Bundles every lambda/<name>/index.ts into dist/lambda/<name>/index.js with esbuild.
// Run by `npm run build` (and so by `npm ci` through `prepare`); synth only loads the result.
import { build } from 'esbuild';
import { existsSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';

const root = new URL('..', import.meta.url).pathname;
const src = join(root, 'lambda');
const out = join(root, 'dist', 'lambda');
const only = process.argv.slice(2);

const names = existsSync(src)
  ? readdirSync(src, { withFileTypes: true })
      .filter((d) => d.isDirectory() && d.name !== 'shared' && existsSync(join(src, d.name, 'index.ts')))
      .map((d) => d.name)
      .filter((n) => only.length === 0 || only.includes(n))
  : [];

for (const name of names) {
  const outdir = join(out, name);
  rmSync(outdir, { recursive: true, force: true });
  const result = await build({
    entryPoints: [join(src, name, 'index.ts')],
    outfile: join(outdir, 'index.js'),
    bundle: true,
    platform: 'node',
    target: 'node22',
    format: 'cjs',
    minify: true,
    sourcemap: false,
    legalComments: 'none',
    // Non-ASCII characters as they are (UTF-8), not as \u escapes: the guardrail's phrase and look-alike tables are multilingual.
    charset: 'utf8',
    metafile: true,
    // The Node.js Lambda runtime provides AWS SDK v3; everything else is bundled.
    external: ['@aws-sdk/*'],
    logLevel: 'warning',
  });
  const bytes = Object.values(result.metafile.outputs).reduce((n, o) => n + o.bytes, 0);
  console.log(`bundled lambda/${name} -> dist/lambda/${name}/index.js (${(bytes / 1024).toFixed(1)} KiB)`);
}
if (names.length === 0) console.log('no lambda handlers to bundle');
