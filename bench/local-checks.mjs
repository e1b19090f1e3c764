// Guardrail local checks (lambda/guardrail/local-checks.ts, `inspectText`): per-call time and throughput
// for realistic prompts of 256 B to 64 KB, the ratio to one plain global regex scan of the same text, and
// adversarial inputs, whose time must grow linearly with their size.
import { build } from 'esbuild';
import { join } from 'node:path';
import { createRequire } from 'node:module';
import { fmt, median, root, table, tmp } from './lib.mjs';

const require = createRequire(import.meta.url);

async function loadInspect() {
  const outfile = join(tmp, 'local-checks.cjs');
  await build({ entryPoints: [join(root, 'lambda', 'guardrail', 'local-checks.ts')], outfile, bundle: true, platform: 'node', format: 'cjs', logLevel: 'error' });
  return require(outfile).inspectText;
}

const SENTENCES = [
  'Please summarize the attached quarterly report for the leadership team in three bullet points.',
  'Our customer asked whether the premium plan includes priority support and on-site training.',
  'Translate the following paragraph into French, keeping the product names unchanged.',
  'Draft a polite reply to Maria at maria.lopez@example.com confirming the meeting on Tuesday at 10:30.',
  'The invoice total was 1,249.50 EUR, due within 30 days; reference number INV-2024-0042.',
  'Explain the difference between a Roth IRA and a traditional IRA for a first-time investor.',
  'Call me back at +1 (415) 555-0132 if the shipment from warehouse 7 is delayed again.',
  'List the steps to reset a password in the admin console, version 4.2, without screenshots.',
];

/** A realistic prompt of about `bytes` bytes: ordinary sentences with some contact details. */
function prompt(bytes) {
  let text = '';
  for (let i = 0; text.length < bytes; i++) text += SENTENCES[i % SENTENCES.length] + ' ';
  return text.slice(0, bytes);
}

const ADVERSARIAL = {
  'digits': (n) => '7'.repeat(n),
  'digit groups': (n) => '4111 1111 '.repeat(Math.ceil(n / 10)).slice(0, n),
  '@ signs': (n) => '@'.repeat(n),
  'a@a@a...': (n) => 'a@'.repeat(Math.ceil(n / 2)).slice(0, n),
  'whitespace': (n) => ' \t\n'.repeat(Math.ceil(n / 3)).slice(0, n),
  'nested quotes': (n) => '"\'"\''.repeat(Math.ceil(n / 4)).slice(0, n),
  'dotted words': (n) => 'a.'.repeat(Math.ceil(n / 2)).slice(0, n),
  'ignore ignore...': (n) => 'ignore '.repeat(Math.ceil(n / 7)).slice(0, n),
  'base64-like': (n) => 'AKIAabcdEFGH1234/+'.repeat(Math.ceil(n / 18)).slice(0, n),
};

/** Median time of one call in ms, over enough calls to take at least ~200 ms in all. */
function timeCall(fn, text) {
  fn(text); // warm up
  let calls = 1;
  for (;;) {
    const t0 = process.hrtime.bigint();
    for (let i = 0; i < calls; i++) fn(text);
    const ms = Number(process.hrtime.bigint() - t0) / 1e6;
    if (ms > 20) break;
    calls *= 2;
  }
  const samples = [];
  for (let s = 0; s < 10; s++) {
    const t0 = process.hrtime.bigint();
    for (let i = 0; i < calls; i++) fn(text);
    samples.push(Number(process.hrtime.bigint() - t0) / 1e6 / calls);
  }
  return median(samples);
}

const EMAIL = /[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}/g;
const plainScan = (text) => {
  let n = 0;
  for (const _ of text.matchAll(EMAIL)) n++;
  return n;
};

export async function run() {
  const inspectText = await loadInspect();
  const sizes = [256, 4096, 32768, 65536];
  const realistic = sizes.map((bytes) => {
    const text = prompt(bytes);
    const ms = timeCall(inspectText, text);
    const baseline = timeCall(plainScan, text);
    return { bytes, ms, mbPerS: bytes / 1e6 / (ms / 1000), ratioToPlainRegex: ms / baseline };
  });
  const adversarial = Object.entries(ADVERSARIAL).map(([name, make]) => {
    const small = timeCall(inspectText, make(16384));
    const large = timeCall(inspectText, make(65536));
    return { name, ms16k: small, ms64k: large, growth: large / small };
  });
  return {
    title: 'Guardrail local checks',
    results: { realistic, adversarial },
    markdown: [
      '`inspectText` on realistic prompts (ordinary sentences with some e-mail addresses and phone numbers); the ratio compares it with one plain global e-mail regex scan of the same text:',
      '',
      table(['prompt', 'per call', 'throughput', 'vs. one plain regex scan'], realistic.map((r) => [fmt.kib(r.bytes), fmt.ms(r.ms), `${r.mbPerS.toFixed(1)} MB/s`, `${r.ratioToPlainRegex.toFixed(1)}×`])),
      '',
      'Adversarial inputs: time at 16 KiB and 64 KiB; linear time means the 64 KiB call takes about 4× the 16 KiB call (catastrophic backtracking would show as 16× or far more):',
      '',
      table(['input', '16 KiB', '64 KiB', 'growth (×)'], adversarial.map((a) => [a.name, fmt.ms(a.ms16k), fmt.ms(a.ms64k), a.growth.toFixed(1)])),
    ].join('\n'),
  };
}
