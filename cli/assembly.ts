/**
 * Synthesizing a CDK app with the app's own CDK CLI, and reading the stacks (stage and nested stacks
 * included) out of the cloud assembly it writes.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import { CfnTemplate } from './template';

/** Why genai-diff could not do its job: the app did not synthesize, or the tool was used or failed otherwise. */
export class GenaiDiffError extends Error {
  /**
   * @param kind `synth` when the app failed to synthesize, `tool` for anything else
   * @param message what failed and what to do
   * @param output the last lines of the CDK CLI's output, for synth failures
   */
  constructor(public readonly kind: 'synth' | 'tool', message: string, public readonly output?: string) {
    super(message);
  }
}

/** One stack of the cloud assembly. */
export interface StackTemplate {
  /** Unique in the assembly: the artifact id, or for a nested stack the name of its template file. */
  readonly id: string;
  /** The construct path a person knows it by (`Dev/Platform` for a stack in stage `Dev`). */
  readonly displayName: string;
  /** The file name of its baseline: `<id>.template.json`, or `<id>.nested.template.json` for nested stacks. */
  readonly baselineFile: string;
  /** Where its template is in the cloud assembly. */
  readonly templatePath: string;
  readonly template: CfnTemplate;
  /** Ids of the stacks it depends on (the ones it imports values from); the parent for a nested stack. */
  readonly dependencies: string[];
}

/** How to synthesize. */
export interface SynthOptions {
  /** The app directory (the one with cdk.json). */
  readonly dir: string;
  /** `KEY=VALUE` context values, passed on as `--context`. */
  readonly context: string[];
  /** Where to write the cloud assembly; a new temporary directory when absent. */
  readonly output?: string;
  /** An app command for the CDK CLI (`--app`), instead of the one in cdk.json. */
  readonly app?: string;
}

/** What a synthesis produced. */
export interface SynthResult {
  readonly assemblyDir: string;
  /** The CDK CLI used, as a command line. */
  readonly cdk: string;
  readonly seconds: number;
}

/** The app's own CDK CLI (node_modules/.bin/cdk here or in a parent directory), else `npx cdk`. */
export function findCdkCli(dir: string): { command: string; args: string[]; display: string } {
  const bin = process.platform === 'win32' ? 'cdk.cmd' : 'cdk';
  for (let d = resolve(dir); ; d = dirname(d)) {
    const candidate = join(d, 'node_modules', '.bin', bin);
    if (existsSync(candidate)) return { command: candidate, args: [], display: relative(dir, candidate) || candidate };
    if (dirname(d) === d) break;
  }
  return { command: process.platform === 'win32' ? 'npx.cmd' : 'npx', args: ['cdk'], display: 'npx cdk' };
}

function lastLines(text: string, n: number): string {
  const lines = text.trimEnd().split('\n');
  return (lines.length > n ? ['…', ...lines.slice(-n)] : lines).join('\n');
}

/**
 * Runs `cdk synth --quiet` in the app directory into a fresh output directory. It makes no context
 * lookups (`--no-lookups`: values must be in cdk.context.json), fetches no notices and sends no telemetry,
 * so it needs neither AWS credentials nor a network.
 */
export function synthesize(options: SynthOptions): SynthResult {
  const dir = resolve(options.dir);
  if (!existsSync(dir)) throw new GenaiDiffError('tool', `The app directory ${dir} does not exist: pass the directory of your CDK app (the one with cdk.json) with --dir.`);
  if (!options.app && !existsSync(join(dir, 'cdk.json'))) {
    throw new GenaiDiffError('tool', `No cdk.json in ${dir}: run genai-diff in your CDK app's directory, pass it with --dir, or give the app command with --app.`);
  }
  const output = options.output ? resolve(options.output) : mkdtempSync(join(tmpdir(), 'genai-diff-'));
  const cli = findCdkCli(dir);
  const args = [
    ...cli.args, 'synth', '--quiet', '--no-notices', '--no-lookups', '--output', output,
    ...options.context.flatMap((c) => ['--context', c]),
    ...(options.app ? ['--app', options.app] : []),
  ];
  const started = Date.now();
  const r = spawnSync(cli.command, args, {
    cwd: dir,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
    maxBuffer: 256 * 1024 * 1024,
    shell: process.platform === 'win32',
    env: { ...process.env, CDK_DISABLE_CLI_TELEMETRY: process.env.CDK_DISABLE_CLI_TELEMETRY ?? 'true' },
  });
  const seconds = (Date.now() - started) / 1000;
  const text = `${r.stdout ?? ''}${r.stderr ?? ''}`;
  if (r.error) {
    throw new GenaiDiffError('tool', `Could not run the CDK CLI (${cli.display}): ${r.error.message}. Install it in your app with "npm install -D aws-cdk".`);
  }
  if (r.status !== 0) {
    throw new GenaiDiffError(
      'synth',
      `Synthesis failed: "${cli.display} synth" exited with ${r.status ?? r.signal} in ${dir}. This is not a security finding: fix the app so that "cdk synth" succeeds, then run genai-diff again.`,
      lastLines(text, 40),
    );
  }
  if (!existsSync(join(output, 'manifest.json'))) {
    throw new GenaiDiffError('tool', `"${cli.display} synth" succeeded but wrote no cloud assembly to ${output}.`);
  }
  return { assemblyDir: output, cdk: cli.display, seconds };
}

function readJson(path: string, what: string): any {
  try {
    return JSON.parse(readFileSync(path, 'utf8'));
  } catch (e) {
    throw new GenaiDiffError('tool', `Could not read ${what} ${path}: ${(e as Error).message}.`);
  }
}

/** `Parent/Inner.NestedStack/Inner.NestedStackResource` → `Parent/Inner`. */
function nestedDisplayName(cdkPath: unknown, fallback: string): string {
  return typeof cdkPath === 'string' ? cdkPath.replace(/\.NestedStack\/.*$/, '') : fallback;
}

function nestedStacks(parent: StackTemplate, dir: string, out: StackTemplate[]): void {
  for (const [logicalId, r] of Object.entries(parent.template.Resources ?? {})) {
    const file = r.Type === 'AWS::CloudFormation::Stack' ? r.Metadata?.['aws:asset:path'] : undefined;
    if (typeof file !== 'string' || !file.endsWith('.nested.template.json')) continue;
    const path = join(dir, file);
    if (!existsSync(path)) throw new GenaiDiffError('tool', `Nested stack ${logicalId} of ${parent.displayName} points at ${file}, which is not in the cloud assembly ${dir}.`);
    const id = file.slice(0, -'.nested.template.json'.length);
    const nested: StackTemplate = {
      id, displayName: nestedDisplayName(r.Metadata?.['aws:cdk:path'], id), baselineFile: file, templatePath: path,
      template: readJson(path, 'the nested stack template'), dependencies: [parent.id],
    };
    out.push(nested);
    nestedStacks(nested, dir, out);
  }
}

/**
 * Every stack in a cloud assembly directory: top-level stacks, stacks of stages (nested cloud assemblies,
 * at any depth) and nested stacks, in manifest order.
 */
export function readAssembly(assemblyDir: string): StackTemplate[] {
  const out: StackTemplate[] = [];
  const visit = (dir: string) => {
    const manifest = readJson(join(dir, 'manifest.json'), 'the cloud assembly manifest');
    for (const [id, artifact] of Object.entries<any>(manifest.artifacts ?? {})) {
      if (artifact.type === 'cdk:cloud-assembly') {
        visit(join(dir, artifact.properties.directoryName));
      } else if (artifact.type === 'aws:cloudformation:stack') {
        const templatePath = join(dir, artifact.properties.templateFile);
        const stack: StackTemplate = {
          id, displayName: artifact.displayName ?? id, baselineFile: `${id}.template.json`, templatePath,
          template: readJson(templatePath, 'the stack template'),
          dependencies: (artifact.dependencies ?? []).filter((d: string) => manifest.artifacts[d]?.type === 'aws:cloudformation:stack'),
        };
        out.push(stack);
        nestedStacks(stack, dir, out);
      }
    }
  };
  if (!existsSync(join(assemblyDir, 'manifest.json'))) {
    throw new GenaiDiffError('tool', `${assemblyDir} is not a cloud assembly (no manifest.json): pass the output directory of "cdk synth" (usually cdk.out).`);
  }
  visit(assemblyDir);
  const seen = new Map<string, string>();
  for (const s of out) {
    const other = seen.get(s.baselineFile);
    if (other) throw new GenaiDiffError('tool', `Stacks ${other} and ${s.displayName} would share the baseline file ${s.baselineFile}; rename one of them.`);
    seen.set(s.baselineFile, s.displayName);
  }
  return out;
}
