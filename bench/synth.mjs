// Synth wall time (median of 3, warm install), resources and template bytes per stack, and the
// L2 comparison: the same lake + trail written with aws-cdk-lib defaults.
import { join } from 'node:path';
import { assemblyStacks, findingsByPlugin, fmt, median, synth, table, tmp } from './lib.mjs';

const RUNS = Number(process.env.BENCH_SYNTH_RUNS ?? 3);
const tsApp = (file) => `npx ts-node --transpile-only ${file}`;

function measure(label, app, context) {
  const out = join(tmp, `synth-${label}`);
  const times = [];
  let last;
  for (let i = 0; i < RUNS; i++) {
    last = synth(app, out, context);
    times.push(last.ms);
  }
  return { label, ms: median(times), ok: last.status === 0, stacks: assemblyStacks(out), findings: findingsByPlugin(out) };
}

export function run() {
  const cases = [
    measure('GenAIPlatform-Dev', undefined, ['profile=dev']),
    measure('GenAIPlatform-Prod', undefined, ['profile=prod']),
    measure('user app, one construct (SecureDataLake)', tsApp('bench/apps/one-construct.ts')),
    measure('library lake + trail', tsApp('bench/apps/lake-trail.ts')),
    measure('aws-cdk-lib L2 lake + trail', tsApp('bench/apps/l2-lake-trail.ts')),
  ];
  const rows = cases.map((c) => {
    const totalFindings = Object.values(c.findings).reduce((a, b) => a + b, 0);
    const s = c.stacks[0];
    return [c.label, fmt.ms(c.ms), String(s?.resources ?? '-'), s ? fmt.kib(s.bytes) : '-', String(totalFindings)];
  });
  const findingRows = cases.slice(3).map((c) => [c.label, ...['AwsSolutions', 'NIST.800.53.R5', 'HIPAA.Security', 'cdk-validator-cfnguard'].map((p) => String(c.findings[p] ?? 0))]);
  return {
    results: cases.map((c) => ({ label: c.label, medianMs: Math.round(c.ms), ok: c.ok, stacks: c.stacks.map((s) => ({ name: s.name, resources: s.resources, bytes: s.bytes })), findings: c.findings })),
    markdown: [
      `Synth (median of ${RUNS}, warm install, compliance packs on):`,
      '',
      table(['app', 'cdk synth', 'resources', 'template', 'unacknowledged findings'], rows),
      '',
      'Findings of the same data lake + trail, library vs. aws-cdk-lib L2 defaults:',
      '',
      table(['app', 'AwsSolutions', 'NIST 800-53 R5', 'HIPAA', 'Control Tower'], findingRows),
    ].join('\n'),
    stacks: cases.slice(0, 2).flatMap((c) => c.stacks),
  };
}
