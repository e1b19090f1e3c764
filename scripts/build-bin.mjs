// Transpiles the CDK app in bin/ to dist/bin/ with esbuild (no bundling, no type check: `npm test`
// type-checks everything with tsc). cdk.json runs dist/bin/genai-platform.js, which loads the library
// from dist/lib, built by jsii. Run by `npm run build`.
import { build } from 'esbuild';
import { readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';

const root = new URL('..', import.meta.url).pathname;
const src = join(root, 'bin');
const out = join(root, 'dist', 'bin');
rmSync(out, { recursive: true, force: true });
await build({
  entryPoints: readdirSync(src).filter((f) => f.endsWith('.ts') && !f.endsWith('.d.ts')).map((f) => join(src, f)),
  outdir: out,
  bundle: false,
  platform: 'node',
  target: 'node20',
  format: 'cjs',
  logLevel: 'warning',
});
console.log('built bin/ -> dist/bin');
