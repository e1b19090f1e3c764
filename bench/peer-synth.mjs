// The synth cost users feel, side by side with a peer: this project's default `cdk synth` (both
// profiles, every compliance pack, as `npm ci && npx cdk synth` runs it) against a peer app built from
// @cdklabs/generative-ai-cdk-constructs (a SageMaker endpoint and a Bedrock guardrail), an aws-cdk-lib
// KMS bucket and CloudTrail trail, and cdk-nag AwsSolutions (bench/peer/, a `cdk init`-style TypeScript
// app run by ts-node). The peer is installed into bench/.tmp/peer at bench time from the npm registry; it
// is never a dependency of this package.
//
// CPU is user + sys of every process of the synth (the CDK CLI, the app, cfn-guard), read from bash's
// `times` for the reaped children; runs are interleaved (ours, peer, ours, peer, ...) so that machine
// load affects both alike. BENCH_PEER_RUNS sets the number of pairs (default 5).
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { median, root, table, tmp } from './lib.mjs';

const RUNS = Number(process.env.BENCH_PEER_RUNS ?? 5);
const peerSource = join(root, 'bench', 'peer');
const peerDir = join(tmp, 'peer');

/** Copies the peer app and installs its pinned dependencies (again only when package.json changed). */
function installPeer() {
  mkdirSync(peerDir, { recursive: true });
  for (const f of ['bin', 'cdk.json', 'tsconfig.json']) cpSync(join(peerSource, f), join(peerDir, f), { recursive: true });
  const pkg = readFileSync(join(peerSource, 'package.json'), 'utf8');
  const installed = join(peerDir, '.installed-package.json');
  if (existsSync(installed) && readFileSync(installed, 'utf8') === pkg && existsSync(join(peerDir, 'node_modules'))) return;
  writeFileSync(join(peerDir, 'package.json'), pkg);
  rmSync(join(peerDir, 'node_modules'), { recursive: true, force: true });
  const r = spawnSync('npm', ['install', '--no-audit', '--no-fund', '--loglevel=error'], { cwd: peerDir, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`installing the peer app failed (it needs the npm registry):\n${r.stderr}`);
  writeFileSync(installed, pkg);
}

/** `cdk synth` in `cwd`; wall seconds and CPU seconds (user + sys) of all its processes. */
function synthCpu(cwd, out) {
  rmSync(out, { recursive: true, force: true });
  const script = `npx cdk synth --quiet --no-notices --output "${out}" >/dev/null 2>"${out}.err"; status=$?; times; exit $status`;
  const t0 = process.hrtime.bigint();
  const r = spawnSync('bash', ['-c', script], { cwd, encoding: 'utf8', env: { ...process.env, CDK_DISABLE_CLI_TELEMETRY: 'true' } });
  const wall = Number(process.hrtime.bigint() - t0) / 1e9;
  if (r.status !== 0) throw new Error(`cdk synth in ${cwd} failed:\n${existsSync(`${out}.err`) ? readFileSync(`${out}.err`, 'utf8').slice(-2000) : r.stderr}`);
  // `times` prints the shell's own user/sys, then its children's: "0m12.345s 0m1.234s"
  const children = r.stdout.trim().split('\n').pop();
  const [user, sys] = [...children.matchAll(/(\d+)m([\d.]+)s/g)].map((m) => Number(m[1]) * 60 + Number(m[2]));
  return { wall, cpu: user + sys };
}

const stats = (values) => ({ min: Math.min(...values), median: median(values), max: Math.max(...values) });
const s1 = (v) => `${v.toFixed(1)} s`;

export function run() {
  installPeer();
  const ours = [];
  const peer = [];
  // One warm-up of each (file system cache, npx resolution), not counted.
  synthCpu(root, join(tmp, 'synth-ours'));
  synthCpu(peerDir, join(tmp, 'synth-peer'));
  for (let i = 0; i < RUNS; i++) {
    ours.push(synthCpu(root, join(tmp, 'synth-ours')));
    peer.push(synthCpu(peerDir, join(tmp, 'synth-peer')));
  }
  const o = stats(ours.map((r) => r.cpu));
  const p = stats(peer.map((r) => r.cpu));
  const ow = stats(ours.map((r) => r.wall));
  const pw = stats(peer.map((r) => r.wall));
  const ratio = o.median / p.median;
  return {
    results: { runs: RUNS, ours: { cpu: o, wall: ow }, peer: { cpu: p, wall: pw }, cpuRatio: ratio },
    markdown: [
      `\`cdk synth\` CPU time (user + sys of all processes), ${RUNS} interleaved pairs after one warm-up each:`,
      '',
      table(
        ['app', 'CPU min', 'CPU median', 'CPU max', 'wall median'],
        [
          ['this project: default app (DEV and PROD stacks, 5 compliance packs + Control Tower + schema)', s1(o.min), s1(o.median), s1(o.max), s1(ow.median)],
          ['peer: generative-ai-cdk-constructs endpoint + guardrail, KMS bucket + trail, cdk-nag AwsSolutions', s1(p.min), s1(p.median), s1(p.max), s1(pw.median)],
        ],
      ),
      '',
      `Ratio of medians (this project / peer): **${ratio.toFixed(2)}×**.`,
    ].join('\n'),
  };
}
