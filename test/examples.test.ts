import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { validatingEnv } from './helpers/compliance';

const root = join(__dirname, '..');
const examples = join(root, 'examples');

/**
 * The examples app depends on the package as a user does: `import ... from 'genai-platform-constructs'`,
 * resolved through package.json `exports` to the built dist/ (npm test builds it first).
 */
describe('examples/ (a separate app using single constructs through the package entry point)', () => {
  test.each(['app.ts', 'multi-stack.ts'])('%s imports nothing from lib/ directly', (file) => {
    const source = readFileSync(join(examples, 'src', file), 'utf8');
    expect(source).toMatch(/from 'genai-platform-constructs'/);
    expect(source).not.toMatch(/from '\.\.?\/.*lib/);
  });

  test('compiles and synthesizes with every compliance pack', () => {
    execFileSync(process.execPath, [join(root, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', examples], { stdio: 'pipe' });
    const out = mkdtempSync(join(tmpdir(), 'examples-'));
    const context = JSON.parse(readFileSync(join(examples, 'cdk.json'), 'utf8')).context;
    execFileSync(process.execPath, [join(examples, 'dist', 'app.js')], {
      cwd: examples,
      env: validatingEnv({ CDK_OUTDIR: out, CDK_CONTEXT_JSON: JSON.stringify(context) }),
      stdio: 'pipe',
    });
    const manifest = JSON.parse(readFileSync(join(out, 'manifest.json'), 'utf8'));
    const stacks = Object.entries(manifest.artifacts).filter(([, a]: [string, any]) => a.type === 'aws:cloudformation:stack').map(([n]) => n);
    expect(stacks).toEqual(expect.arrayContaining(['ExampleGovernance', 'ExampleBedrockChat', 'ExampleServing']));
    const report = JSON.parse(readFileSync(join(out, 'validation-report.json'), 'utf8'));
    expect(report.pluginReports.flatMap((p: any) => p.violations)).toEqual([]);
    expect(existsSync(join(out, 'ExampleGovernance.template.json'))).toBe(true);
  });
});
