// Streaming entry point with mocked AWS clients: time to first token and what the function adds to it.
import { build } from 'esbuild';
import { join } from 'node:path';
import { fmt, root, table, timed, tmp } from './lib.mjs';

export async function run() {
  const outfile = join(tmp, 'stream-bench.cjs');
  await build({ entryPoints: [join(root, 'bench', 'stream-bench.ts')], outfile, bundle: true, platform: 'node', format: 'cjs', packages: 'external', logLevel: 'error' });
  const r = timed(process.execPath, [outfile], { cwd: root });
  if (r.status !== 0) throw new Error(r.stderr);
  const res = JSON.parse(r.stdout.trim().split('\n').pop());
  const { instant: i, paced: p } = res;
  const rows = [
    ['instant mocks: request to first `delta` event', fmt.ms(i.timeToFirstToken.p50), fmt.ms(i.timeToFirstToken.p99)],
    ['instant mocks: of which after the model\'s first chunk (local checks until the first window is clear)', fmt.ms(i.heldBack.p50), fmt.ms(i.heldBack.p99)],
    ['instant mocks: local checks per chunk boundary', fmt.ms(i.localPerChunk.p50), fmt.ms(i.localPerChunk.p99)],
    [`instant mocks: whole stream of ${fmt.kib(res.answerChars)} in ${i.trace.chunks} chunks`, fmt.ms(i.whole.p50), fmt.ms(i.whole.p99)],
    [`paced model (${res.chunkChars} characters every ${res.chunkEveryMs} ms), ApplyGuardrail ${res.guardrailMs} ms: request to first \`delta\``, fmt.ms(p.timeToFirstToken.p50), fmt.ms(p.timeToFirstToken.p99)],
    ['paced: of which after the model\'s first chunk (first window + carry-over generated, one ApplyGuardrail call)', fmt.ms(p.heldBack.p50), fmt.ms(p.heldBack.p99)],
  ];
  return {
    title: 'Streaming (POST /v1/generate/stream)',
    results: res,
    markdown: [
      `The stream handler with every AWS client mocked, ${i.streams} streams of a ${fmt.kib(res.answerChars)} answer in ${res.chunkChars}-character chunks (windows of 250, 500, then 1,000 characters; carry-over ${i.trace.carryChars}):`,
      '',
      table(['what', 'p50', 'p99'], rows),
    ].join('\n'),
  };
}
