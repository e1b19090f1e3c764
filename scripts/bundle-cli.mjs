// Bundles cli/genai-diff.ts into dist/cli/genai-diff.js, the package's `genai-diff` bin, with esbuild.
// Run by `npm run build`. Everything the CLI uses is inlined, so the package needs no runtime dependency
// for it (jsii allows none that are not bundled).
import { build } from 'esbuild';
import { chmodSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';

const root = new URL('..', import.meta.url).pathname;
const outfile = join(root, 'dist', 'cli', 'genai-diff.js');
const { version } = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));

rmSync(join(root, 'dist', 'cli'), { recursive: true, force: true });
const result = await build({
  entryPoints: [join(root, 'cli', 'genai-diff.ts')],
  outfile,
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'cjs',
  minify: false,
  sourcemap: false,
  legalComments: 'none',
  metafile: true,
  banner: { js: '#!/usr/bin/env node' },
  define: { GENAI_DIFF_VERSION: JSON.stringify(version) },
  logLevel: 'warning',
});
chmodSync(outfile, 0o755);
const bytes = Object.values(result.metafile.outputs).reduce((n, o) => n + o.bytes, 0);
console.log(`bundled cli/genai-diff.ts -> dist/cli/genai-diff.js (${(bytes / 1024).toFixed(1)} KiB)`);
