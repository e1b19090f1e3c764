import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * The library is a jsii package: one API for TypeScript, Python, Java, .NET and Go. `npm test` builds it
 * with jsii first (`pretest`), so `.jsii` is the assembly of this tree.
 */
const root = join(__dirname, '..');
const assembly = JSON.parse(readFileSync(join(root, '.jsii'), 'utf8'));
const bin = (name: string) => join(root, 'node_modules', '.bin', name);
/** node arguments that preload test/helpers/jsii-assembly-cache.js (each assembly file parsed once per process) */
const ASSEMBLY_CACHE = ['--require', join(root, 'test', 'helpers', 'jsii-assembly-cache.js')];
const run = (cmd: string, args: string[]) => spawnSync(cmd, args, { cwd: root, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });

/** The TypeScript-only names exported on purpose, each deprecated for one release. */
const TYPESCRIPT_ONLY = ['applyCompliance'];

describe('the jsii assembly', () => {
  test('every name exported from the package entry point is a type of the assembly', () => {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const exported = Object.keys(require(join(root, 'dist', 'lib', 'index.js'))).sort();
    const types = new Set(Object.values<any>(assembly.types).filter((t) => !t.namespace).map((t) => t.name));
    expect(exported.filter((name) => !types.has(name) && !TYPESCRIPT_ONLY.includes(name))).toEqual([]);
    expect(exported).toEqual(expect.arrayContaining(['Compliance', 'GenAIErrors', 'SecureDataLake', 'GenAIPlatform', 'Acknowledgements']));
  });

  test('the deprecated TypeScript-only alias still works and says what replaces it', () => {
    const source = readFileSync(join(root, 'dist', 'lib', 'core', 'compliance.d.ts'), 'utf8');
    expect(source).toMatch(/@deprecated use \{@link Compliance\.apply\}[\s\S]*export declare function applyCompliance/);
  });

  test('every public type, member, method parameter and enum member has a summary; optional struct props say their @default', () => {
    const missing: string[] = [];
    for (const [fqn, t] of Object.entries<any>(assembly.types)) {
      if (!t.docs?.summary) missing.push(fqn);
      for (const p of t.properties ?? []) {
        if (!p.docs?.summary) missing.push(`${fqn}#${p.name}`);
        if (t.datatype && p.optional && p.docs?.default === undefined) missing.push(`${fqn}#${p.name} (@default)`);
      }
      for (const m of t.methods ?? []) {
        if (!m.docs?.summary) missing.push(`${fqn}#${m.name}()`);
        for (const param of m.parameters ?? []) if (!param.docs?.summary) missing.push(`${fqn}#${m.name}(${param.name})`);
      }
      for (const m of t.members ?? []) if (!m.docs?.summary) missing.push(`${fqn}.${m.name}`);
    }
    expect(missing).toEqual([]);
  });

  test('no public member is named like a reserved word of a target language, except deprecated aliases', () => {
    const reserved = new Set(['type', 'func', 'map', 'range', 'interface', 'package', 'default', 'select', 'chan', 'go', 'defer']);
    const clashes: string[] = [];
    for (const [fqn, t] of Object.entries<any>(assembly.types)) {
      for (const p of [...(t.properties ?? []), ...(t.methods ?? [])]) {
        if (reserved.has(p.name) && !p.docs?.deprecated) clashes.push(`${fqn}#${p.name}`);
      }
    }
    expect(clashes).toEqual([]);
  });

  test('package metadata for npm, PyPI, Maven, NuGet, Go and Construct Hub', () => {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const pkg = require(join(root, 'package.json'));
    expect(pkg.keywords).toEqual(expect.arrayContaining(['cdk', 'awscdk']));
    expect(pkg.files).toEqual(expect.arrayContaining(['.jsii', 'API.md', 'LICENSE']));
    expect(pkg.stability).toBeDefined();
    expect(existsSync(join(root, 'LICENSE'))).toBe(true);
    expect(Object.keys(pkg.jsii.targets).sort()).toEqual(['dotnet', 'go', 'java', 'python']);
    // jsii modules used in the public API are peers, and the dev copy is pinned to the peer minimum.
    for (const peer of ['aws-cdk-lib', 'constructs', 'cdk-nag']) {
      expect(pkg.peerDependencies[peer]).toBe(`^${pkg.devDependencies[peer]}`);
      expect(pkg.dependencies?.[peer]).toBeUndefined();
    }
    expect(assembly.targets.python.module).toBe('genai_platform_constructs');
  });
});

describe('other languages', () => {
  test('jsii-pacmak generates the Python, Java, .NET and Go packages (code only: the registries are not reachable here)', () => {
    const out = mkdtempSync(join(tmpdir(), 'pacmak-'));
    // pacmak packs the module with `npm pack`, whose `prepare` would rebuild the library `npm test` just built
    // with each dependency's assembly parsed once (test/helpers/jsii-assembly-cache.js)
    const r = spawnSync(process.execPath, [...ASSEMBLY_CACHE, join(root, 'node_modules', 'jsii-pacmak', 'bin', 'jsii-pacmak'), '--code-only', '--target', 'python', '--target', 'java', '--target', 'dotnet', '--target', 'go', '--outdir', out], {
      cwd: root, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024, env: { ...process.env, npm_config_ignore_scripts: 'true' },
    });
    expect(r.status === 0 ? '' : `${r.stdout}\n${r.stderr}`).toBe('');
    const python = readFileSync(join(out, 'python', 'src', 'genai_platform_constructs', '__init__.py'), 'utf8');
    expect(python).toMatch(/class SecureDataLake\(/);
    expect(python).toMatch(/class Compliance\(/);
    const java = execFileSync('find', [join(out, 'java'), '-name', 'GenAIPlatform.java'], { encoding: 'utf8' });
    expect(java.trim()).not.toBe('');
    const dotnet = execFileSync('find', [join(out, 'dotnet'), '-name', 'InferenceEndpoint.cs'], { encoding: 'utf8' });
    expect(dotnet.trim()).not.toBe('');
    const go = execFileSync('grep', ['-rl', 'func NewGuardrailFunction', join(out, 'go')], { encoding: 'utf8' });
    expect(go.trim()).not.toBe('');
  });

  test('every TypeScript example of the README and of the API docs compiles as pasted against the package entry point, under jsii-rosetta (strict)', () => {
    // no translations reused from an earlier run; --batch compiles the snippets in one program (5x faster)
    rmSync(join(root, '.jsii.tabl.json'), { force: true });
    // A larger young generation for rosetta's compiler worker: it allocates ~2 GB of short-lived objects
    // (measured: 20-22 s of CPU with the default, 17-18 s with this).
    const r = spawnSync(bin('jsii-rosetta'), ['extract', '--strict', '--batch', '100', '.'], {
      cwd: root, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024, env: { ...process.env, NODE_OPTIONS: `${process.env.NODE_OPTIONS ?? ''} --max-semi-space-size=128`.trim() },
    });
    expect(r.status === 0 ? '' : `${r.stdout}\n${r.stderr}`.replace(/!!.*\n/g, '')).toBe('');
    // every ```ts block of the README was compiled (strict mode, Node16 resolution of 'genai-platform-constructs'
    // through the package's exports), and none failed
    const snippets = Object.values<any>(JSON.parse(readFileSync(join(root, '.jsii.tabl.json'), 'utf8')).snippets);
    const readmeBlocks = readFileSync(join(root, 'README.md'), 'utf8').match(/```ts\n/g) ?? [];
    expect(readmeBlocks.length).toBeGreaterThan(2);
    expect(snippets.filter((s) => s.location.api.api === 'moduleReadme')).toHaveLength(readmeBlocks.length);
    expect(snippets.filter((s) => !s.didCompile).map((s) => JSON.stringify(s.location))).toEqual([]);
    // "as pasted": the fixture wraps each snippet in nothing (no hidden imports or declarations)
    const fixture = readFileSync(join(root, 'rosetta', 'default.ts-fixture'), 'utf8');
    expect(fixture.split('\n').filter((line) => line.trim() !== '' && !line.trim().startsWith('//'))).toEqual([]);
    expect(fixture).toContain('/// here');
  });
});

describe('API compatibility with the last release (api/released)', () => {
  // jsii-diff with each dependency's assembly parsed once for both type systems (see the preloaded file)
  const diff = (original: string, updated: string) =>
    run(process.execPath, [
      ...ASSEMBLY_CACHE, join(root, 'node_modules', 'jsii-diff', 'bin', 'jsii-diff'),
      original, updated, '--error-on', 'all', '--ignore-file', join(root, 'api', 'allowed-breaking-changes.txt'), '--keys',
    ]);

  test('no breaking change against the released assembly unless declared in api/allowed-breaking-changes.txt', () => {
    const r = diff(join(root, 'api', 'released'), root);
    expect(r.status === 0 ? '' : `${r.stdout}\n${r.stderr}`.replace(/!!.*\n/g, '')).toBe('');
  });

  test('a removed type is reported as breaking with these options (the check can fail)', () => {
    // Two small assemblies (enums only, no dependencies), the second without one of the enums.
    const small = (without?: string) => {
      const dir = mkdtempSync(join(tmpdir(), 'jsii-diff-'));
      const keep = ['genai-platform-constructs.DataZone', 'genai-platform-constructs.MetricComparison'].filter((t) => t !== without);
      const types = Object.fromEntries(keep.map((fqn) => [fqn, assembly.types[fqn]]));
      writeFileSync(join(dir, '.jsii'), JSON.stringify({ ...assembly, types, dependencies: {}, dependencyClosure: {}, fingerprint: 'test' }));
      writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: assembly.name, version: assembly.version, jsii: { outdir: 'dist', targets: {} } }));
      return dir;
    };
    const same = diff(small(), small());
    expect(same.status).toBe(0);
    const r = diff(small(), small('genai-platform-constructs.MetricComparison'));
    expect(r.status).not.toBe(0);
    expect(`${r.stdout}${r.stderr}`).toMatch(/MetricComparison/);
  });
});

describe('API.md', () => {
  test('is the jsii-docgen reference of this assembly (npm run docgen)', () => {
    const out = join(mkdtempSync(join(tmpdir(), 'docgen-')), 'API.md');
    const r = run(bin('jsii-docgen'), ['-o', out]);
    expect(r.status).toBe(0);
    expect(readFileSync(join(root, 'API.md'), 'utf8') === readFileSync(out, 'utf8') ? 'up to date' : 'API.md is stale: run npm run docgen').toBe('up to date');
  });
});
