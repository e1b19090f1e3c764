// Guardrail handler overhead with mocked AWS clients: p50/p99 over 2,000 requests, by stage.
import { build } from 'esbuild';
import { join } from 'node:path';
import { fmt, root, table, timed, tmp } from './lib.mjs';

export async function run() {
  const outfile = join(tmp, 'handler-bench.cjs');
  await build({ entryPoints: [join(root, 'bench', 'handler-bench.ts')], outfile, bundle: true, platform: 'node', format: 'cjs', packages: 'external', logLevel: 'error' });
  const r = timed(process.execPath, [outfile], { cwd: root });
  if (r.status !== 0) throw new Error(r.stderr);
  const res = JSON.parse(r.stdout.trim().split('\n').pop());
  const rows = [
    ['whole handler (mocked AWS calls)', fmt.ms(res.total.p50), fmt.ms(res.total.p99)],
    ...Object.entries(res.stages).map(([k, v]) => [`stage: ${k}`, fmt.ms(v.p50), fmt.ms(v.p99)]),
    ['envelope encryption of prompt and answer (cached data key)', fmt.ms(res.envelopeEncryption.p50), fmt.ms(res.envelopeEncryption.p99)],
    [`trace serialization (${fmt.kib(res.traceBytes)})`, fmt.ms(res.traceSerialization.p50), fmt.ms(res.traceSerialization.p99)],
  ];
  return {
    title: 'Guardrail handler',
    results: res,
    markdown: [
      `The generate handler with every AWS client mocked to answer at once, ${res.requests} requests of a 0.6 KiB prompt (stages as the trace records them; model and guardrail stages are the mocks):`,
      '',
      table(['what', 'p50', 'p99'], rows),
    ].join('\n'),
  };
}
