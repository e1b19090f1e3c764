// Small helpers shared by the benchmark sections. Plain Node, no services.
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';

export const root = new URL('..', import.meta.url).pathname;
export const tmp = join(root, 'bench', '.tmp');
mkdirSync(tmp, { recursive: true });

export function median(values) {
  const s = [...values].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

export function percentile(values, p) {
  const s = [...values].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1)];
}

/** Runs a command, returns { ms, status, stdout, stderr }. */
export function timed(cmd, args, options = {}) {
  const t0 = process.hrtime.bigint();
  const r = spawnSync(cmd, args, { cwd: root, encoding: 'utf8', maxBuffer: 256 * 1024 * 1024, ...options });
  const ms = Number(process.hrtime.bigint() - t0) / 1e6;
  return { ms, status: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** `cdk synth` of an app into `out`; returns wall time in ms and whether it succeeded. */
export function synth(app, out, context = []) {
  const cdk = join(root, 'node_modules', '.bin', 'cdk');
  const args = ['synth', '--quiet', '--no-notices', '--output', out, ...context.flatMap((c) => ['-c', c])];
  if (app) args.push('--app', app);
  return timed(cdk, args, { env: { ...process.env, CDK_DISABLE_CLI_TELEMETRY: 'true' } });
}

/** Stacks of a cloud assembly: name, resources, template bytes, resource types. */
export function assemblyStacks(out) {
  const manifest = JSON.parse(readFileSync(join(out, 'manifest.json'), 'utf8'));
  return Object.entries(manifest.artifacts)
    .filter(([, a]) => a.type === 'aws:cloudformation:stack')
    .map(([name, a]) => {
      const path = join(out, a.properties.templateFile);
      const text = readFileSync(path, 'utf8');
      const template = JSON.parse(text);
      return { name, path, template, bytes: Buffer.byteLength(JSON.stringify(template)), resources: Object.keys(template.Resources ?? {}).length };
    });
}

/** Unacknowledged findings per plugin from a validation report (0s when the report is absent). */
export function findingsByPlugin(out) {
  const path = join(out, 'validation-report.json');
  if (!existsSync(path)) return {};
  const report = JSON.parse(readFileSync(path, 'utf8'));
  const counts = {};
  for (const p of report.pluginReports) {
    counts[p.pluginName] = p.violations.reduce((n, v) => n + (v.violatingConstructs?.length ?? 1), 0);
  }
  return counts;
}

export const fmt = {
  ms: (v) => (v < 1 ? `${(v * 1000).toFixed(1)} µs` : v < 1000 ? `${v.toFixed(v < 10 ? 2 : 0)} ms` : `${(v / 1000).toFixed(1)} s`),
  kib: (b) => `${(b / 1024).toFixed(1)} KiB`,
  usd: (v) => `$${v.toFixed(2)}`,
};

/** A Markdown table from a header row and rows. */
export function table(header, rows) {
  const line = (cells) => `| ${cells.join(' | ')} |`;
  return [line(header), line(header.map(() => '---')), ...rows.map(line)].join('\n');
}
