// npm run diff      : synthesize every stack and compare it with baseline/<stack>.template.json.
//                     Prints the whole change; exits 1 when IAM, security-group or resource-policy
//                     permissions are broadened (or a baseline is missing), unless the baseline is
//                     updated in the same change (npm run baseline).
// npm run baseline  : synthesize and store the templates as the new baseline.
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

const root = new URL('..', import.meta.url).pathname;
const cdk = join(root, 'node_modules', '.bin', 'cdk');
// CDK_OUT and BASELINE_DIR exist for the script's own test; --no-synth reuses an existing cdk.out.
const out = process.env.CDK_OUT ?? join(root, 'cdk.out');
const baselineDir = process.env.BASELINE_DIR ?? join(root, 'baseline');
const mode = process.argv[2] ?? 'diff';
const synthFirst = !process.argv.includes('--no-synth');

function run(args) {
  const r = spawnSync(cdk, [...args, '--no-notices'], { cwd: root, stdio: 'inherit', env: { ...process.env, CDK_DISABLE_CLI_TELEMETRY: 'true' } });
  return r.status ?? 1;
}

if (synthFirst && run(['synth', '--quiet', '--output', out]) !== 0) process.exit(1);
const manifest = JSON.parse(readFileSync(join(out, 'manifest.json'), 'utf8'));
const stacks = Object.entries(manifest.artifacts)
  .filter(([, a]) => a.type === 'aws:cloudformation:stack')
  .map(([name, a]) => ({ name, template: join(out, a.properties.templateFile) }));

if (mode === 'baseline') {
  mkdirSync(baselineDir, { recursive: true });
  for (const s of stacks) {
    copyFileSync(s.template, join(baselineDir, `${s.name}.template.json`));
    console.log(`baseline/${s.name}.template.json updated`);
  }
  process.exit(0);
}

let failed = 0;
for (const s of stacks) {
  const baseline = join(baselineDir, `${s.name}.template.json`);
  if (!existsSync(baseline)) {
    console.error(`No baseline for ${s.name}: run "npm run baseline" and commit baseline/.`);
    failed++;
    continue;
  }
  const status = run(['diff', '--app', out, '--template', baseline, s.name, '--fail-on', 'broadening']);
  if (status !== 0) {
    console.error(`\n${s.name}: the change broadens security permissions compared with the committed baseline.`);
    console.error('Review it; if it is intended, run "npm run baseline" and commit baseline/ in the same change.');
    failed++;
  }
}
process.exit(failed ? 1 : 0);
