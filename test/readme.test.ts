import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const root = join(__dirname, '..');

/** Every ```ts block of the README (assembled from docs/readme/*.md), as written. */
function examples(): Array<[string, string]> {
  const files = ['README.md'];
  const out: Array<[string, string]> = [];
  for (const file of files) {
    const text = readFileSync(join(root, file), 'utf8');
    let i = 0;
    for (const m of text.matchAll(/```ts\n([\s\S]*?)```/g)) out.push([`${file.replace(/\W/g, '_')}_${i++}`, m[1]]);
  }
  return out;
}

test('every TypeScript example in the README compiles against the package entry point', () => {
  const blocks = examples();
  expect(blocks.length).toBeGreaterThan(2);
  const dir = mkdtempSync(join(tmpdir(), 'readme-'));
  mkdirSync(join(dir, 'src'));
  for (const [name, code] of blocks) writeFileSync(join(dir, 'src', `${name}.ts`), `export {};\n${code}`);
  writeFileSync(
    join(dir, 'tsconfig.json'),
    JSON.stringify({
      compilerOptions: {
        target: 'ES2022', module: 'commonjs', strict: true, noEmit: true, skipLibCheck: true, esModuleInterop: true, types: ['node'],
        baseUrl: root, typeRoots: [join(root, 'node_modules', '@types')],
        paths: { 'genai-platform-constructs': ['lib/index.ts'], '*': ['node_modules/*'] },
      },
      include: [join(dir, 'src')],
    }),
  );
  const tsc = join(root, 'node_modules', 'typescript', 'bin', 'tsc');
  let output = '';
  try {
    execFileSync(process.execPath, [tsc, '-p', join(dir, 'tsconfig.json')], { encoding: 'utf8', stdio: 'pipe' });
  } catch (e: any) {
    output = `${e.stdout}${e.stderr}`;
  }
  expect(output).toBe('');
});

test('README.md is assembled from docs/readme (npm run readme)', () => {
  expect(() => execFileSync(process.execPath, [join(root, 'scripts', 'readme.mjs'), '--check'], { stdio: 'pipe' })).not.toThrow();
});
