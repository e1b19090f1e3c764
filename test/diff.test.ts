import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const root = join(__dirname, '..');
const script = join(root, 'scripts', 'diff.mjs');

/** `npm run diff` / `npm run baseline`, against a baseline folder of the test's own. */
function run(args: string[], env: Record<string, string>) {
  const r = spawnSync(process.execPath, [script, ...args], { cwd: root, env: { ...process.env, ...env }, encoding: 'utf8' });
  return { status: r.status, output: `${r.stdout}${r.stderr}` };
}

describe('scripts/diff.mjs (npm run diff / npm run baseline)', () => {
  const out = mkdtempSync(join(tmpdir(), 'diff-out-'));
  const baseline = mkdtempSync(join(tmpdir(), 'diff-baseline-'));
  const env = { CDK_OUT: out, BASELINE_DIR: baseline, CDK_DISABLE_CLI_TELEMETRY: 'true' };

  test('baseline stores every stack; an unchanged app passes', () => {
    expect(run(['baseline'], env).status).toBe(0);
    expect(readdirSync(baseline).sort()).toEqual(['GenAIPlatform-Dev.template.json', 'GenAIPlatform-Prod.template.json']);
    const same = run(['diff', '--no-synth'], env);
    expect(same.status).toBe(0);
  });

  test('broadened IAM permissions fail until the baseline is updated', () => {
    const file = join(baseline, 'GenAIPlatform-Dev.template.json');
    const template = JSON.parse(readFileSync(file, 'utf8'));
    // The baseline lacks one statement, so the current app grants more than the baseline.
    const policy = Object.values(template.Resources).find((r: any) => r.Type === 'AWS::IAM::Policy') as any;
    policy.Properties.PolicyDocument.Statement.pop();
    writeFileSync(file, JSON.stringify(template));
    const broadened = run(['diff', '--no-synth'], env);
    expect(broadened.status).toBe(1);
    expect(broadened.output).toMatch(/GenAIPlatform-Dev: the change broadens security permissions/);
    expect(run(['baseline', '--no-synth'], env).status).toBe(0);
    expect(run(['diff', '--no-synth'], env).status).toBe(0);
  });

  test('a missing baseline fails with what to do', () => {
    const empty = mkdtempSync(join(tmpdir(), 'diff-empty-'));
    const missing = run(['diff', '--no-synth'], { ...env, BASELINE_DIR: empty });
    expect(missing.status).toBe(1);
    expect(missing.output).toMatch(/No baseline for GenAIPlatform-Dev: run "npm run baseline"/);
  });
});
