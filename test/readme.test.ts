import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { schemaCheckedHereEnv, schemaFindings } from './helpers/compliance';

const root = join(__dirname, '..');

// Every ```ts block of the README compiles as pasted against the package entry point: jsii-rosetta checks
// that in test/jsii.test.ts (strict, with an empty fixture), in the one TypeScript program it builds for the
// README and the API examples.

test('README.md is assembled from docs/readme (npm run readme)', () => {
  expect(() => execFileSync(process.execPath, [join(root, 'scripts', 'readme.mjs'), '--check'], { stdio: 'pipe' })).not.toThrow();
});

test('the smallest GenAIPlatformPipeline example runs as pasted (no context needed) and synthesizes with zero findings, each check once', () => {
  const readme = readFileSync(join(root, 'README.md'), 'utf8');
  const section = readme.indexOf('### Smallest working example', readme.indexOf('## Deploying across accounts: `GenAIPlatformPipeline`'));
  const block = /```ts\n([\s\S]*?)```/.exec(readme.slice(section));
  expect(block).not.toBeNull();
  expect(block![1]).toMatch(/new GenAIPlatformPipeline\(/);
  // Compiled as written and run as a user's app: `genai-platform-constructs` resolves through the package's
  // exports to the built dist/, as for examples/ (a file below the repository root, hence examples/dist).
  const ts: typeof import('typescript') = require('typescript');
  const js = ts.transpileModule(block![1], { compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022 } }).outputText;
  const dir = join(root, 'examples', 'dist');
  mkdirSync(dir, { recursive: true });
  const file = join(dir, 'readme-pipeline.js');
  writeFileSync(file, js);
  const out = mkdtempSync(join(tmpdir(), 'readme-pipeline-'));
  const context = JSON.parse(readFileSync(join(root, 'cdk.json'), 'utf8')).context;
  try {
    const r = spawnSync(process.execPath, [file], {
      cwd: join(root, 'examples'),
      encoding: 'utf8',
      env: schemaCheckedHereEnv({ CDK_OUTDIR: out, CDK_CONTEXT_JSON: JSON.stringify(context) }),
    });
    expect(r.stderr).not.toMatch(/No context value/);
    expect(r.status).toBe(0);
    expect(existsSync(join(out, 'GenAIPlatformPipeline.template.json'))).toBe(true);
    const report = JSON.parse(readFileSync(join(out, 'validation-report.json'), 'utf8'));
    expect(report.pluginReports.flatMap((p: any) => p.violations)).toEqual([]);
    // The stages register the packs and the app applies them too: each check still ran once (before
    // Compliance.apply ran each check once per app, guard reported here three times: app, Dev and Prod).
    const names: string[] = report.pluginReports.map((p: any) => p.pluginName);
    expect(names).toContain('cdk-validator-cfnguard');
    expect(names.filter((n, i) => names.indexOf(n) !== i)).toEqual([]);
    expect(schemaFindings(out)).toEqual([]);
  } finally {
    rmSync(out, { recursive: true, force: true });
    rmSync(file, { force: true });
  }
});
