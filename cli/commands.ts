/** `genai-diff baseline` and `genai-diff check`. */
import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { Args, HELP, parseArgs } from './args';
import { GenaiDiffError, readAssembly, StackTemplate, synthesize, SynthResult } from './assembly';
import { EXIT, Report, renderMarkdown, StackReport } from './report';
import { findBroadenings } from './security';
import { CfnTemplate, diffResources, EMPTY_TEMPLATE } from './template';

/** Where genai-diff writes: stdout gets the result (markdown), stderr the progress and diagnostics. */
export interface Io {
  readonly stdout: (text: string) => void;
  readonly stderr: (text: string) => void;
  /** The version printed by --version. */
  readonly version: string;
}

function display(path: string): string {
  const rel = relative(process.cwd(), path);
  return rel && !rel.startsWith('..') ? rel : path;
}

/** Synthesizes (or reads --assembly) and returns the stacks; removes a temporary output afterwards. */
function withStacks<T>(args: Args, io: Io, use: (stacks: StackTemplate[], synth: SynthResult | undefined) => T): T {
  if (args.assembly) return use(readAssembly(resolve(args.assembly)), undefined);
  io.stderr(`genai-diff: synthesizing ${display(resolve(args.dir)) || '.'}${args.context.length ? ` with ${args.context.map((c) => `-c ${c}`).join(' ')}` : ''} ...\n`);
  const synth = synthesize({ dir: args.dir, context: args.context, output: args.output, app: args.app });
  try {
    const stacks = readAssembly(synth.assemblyDir);
    io.stderr(`genai-diff: synthesized ${stacks.length} stack${stacks.length === 1 ? '' : 's'} in ${synth.seconds.toFixed(1)} s with ${synth.cdk}\n`);
    return use(stacks, synth);
  } finally {
    if (!args.output) rmSync(synth.assemblyDir, { recursive: true, force: true });
  }
}

function baselineDirOf(args: Args): string {
  return resolve(args.baselineDir ?? join(args.dir, 'baseline'));
}

/** Baseline files (`*.template.json`) in the directory that no current stack uses. */
function orphanBaselines(dir: string, stacks: StackTemplate[]): string[] {
  if (!existsSync(dir)) return [];
  const used = new Set(stacks.map((s) => s.baselineFile));
  return readdirSync(dir).filter((f) => f.endsWith('.template.json') && !used.has(f)).sort();
}

function runBaseline(args: Args, io: Io): number {
  const dir = baselineDirOf(args);
  return withStacks(args, io, (stacks) => {
    if (stacks.length === 0) throw new GenaiDiffError('tool', 'The app synthesized no stacks, so there is nothing to baseline.');
    mkdirSync(dir, { recursive: true });
    for (const s of stacks) {
      copyFileSync(s.templatePath, join(dir, s.baselineFile));
      io.stdout(`${display(join(dir, s.baselineFile))}  (${s.displayName})\n`);
    }
    const orphans = orphanBaselines(dir, stacks);
    if (orphans.length > 0) {
      io.stderr(`genai-diff: not touched, no stack in this synthesis: ${orphans.join(', ')} (delete them if the stack is gone)\n`);
    }
    io.stderr(`genai-diff: wrote ${stacks.length} baseline${stacks.length === 1 ? '' : 's'}; commit ${display(dir)}/ with your change.\n`);
    return EXIT.OK;
  });
}

function readBaseline(path: string): CfnTemplate | undefined {
  if (!existsSync(path)) return undefined;
  try {
    return JSON.parse(readFileSync(path, 'utf8'));
  } catch (e) {
    throw new GenaiDiffError('tool', `The baseline ${path} is not valid JSON (${(e as Error).message}): restore it from git or rewrite it with "genai-diff baseline".`);
  }
}

function contextRecord(context: string[]): Record<string, string> {
  return Object.fromEntries(context.map((c) => [c.slice(0, c.indexOf('=')), c.slice(c.indexOf('=') + 1)]));
}

function writeOutputs(report: Report, args: Args, reportPath: string, io: Io): void {
  const markdown = renderMarkdown(report);
  io.stdout(markdown);
  mkdirSync(dirname(reportPath), { recursive: true });
  writeFileSync(reportPath, `${JSON.stringify(report, null, 2)}\n`);
  if (args.markdown) {
    mkdirSync(dirname(resolve(args.markdown)), { recursive: true });
    writeFileSync(resolve(args.markdown), markdown);
  }
}

function runCheck(args: Args, io: Io): number {
  const baselineDir = baselineDirOf(args);
  const reportPath = resolve(args.report ?? join(args.dir, 'genai-diff-report.json'));
  const base = {
    tool: 'genai-diff' as const, schemaVersion: 1 as const, command: 'check' as const,
    appDir: resolve(args.dir), baselineDir, context: contextRecord(args.context),
  };
  let report: Report;
  try {
    report = withStacks(args, io, (stacks, synth) => {
      if (stacks.length === 0) throw new GenaiDiffError('tool', 'The app synthesized no stacks, so there is nothing to check.');
      const results: StackReport[] = stacks.map((s) => {
        const baselinePath = join(baselineDir, s.baselineFile);
        const baseline = readBaseline(baselinePath);
        const before = baseline ?? EMPTY_TEMPLATE;
        return {
          id: s.id, displayName: s.displayName, baselineFile: display(baselinePath), baselineMissing: baseline === undefined,
          dependencies: s.dependencies, resources: diffResources(before, s.template), broadenings: findBroadenings(before, s.template),
        };
      });
      const broadens = results.some((r) => r.broadenings.length > 0);
      return {
        ...base, result: broadens ? 'broadens' : 'pass', exitCode: broadens ? EXIT.BROADENS : EXIT.OK,
        cdk: synth?.cdk ?? null, synthSeconds: synth ? Math.round(synth.seconds * 10) / 10 : null,
        stacks: results, baselinesWithoutStack: orphanBaselines(baselineDir, stacks),
      };
    });
  } catch (caught) {
    const e = caught instanceof GenaiDiffError
      ? caught
      : new GenaiDiffError('tool', `genai-diff failed unexpectedly; please report it with this output: ${(caught as Error)?.stack ?? caught}`);
    report = {
      ...base, result: 'error', exitCode: EXIT.ERROR, cdk: null, synthSeconds: null, stacks: [], baselinesWithoutStack: [],
      error: { kind: e.kind, message: e.message, ...(e.output ? { output: e.output } : {}) },
    };
  }
  writeOutputs(report, args, reportPath, io);
  for (const s of report.stacks.filter((r) => r.baselineMissing)) {
    io.stderr(`genai-diff: no baseline for ${s.displayName} (${s.baselineFile}): compared with an empty template; run "npx genai-diff baseline" and commit the baseline directory if the stack is meant to be new.\n`);
  }
  if (report.result === 'error') {
    io.stderr(`genai-diff: ${report.error?.kind === 'synth' ? 'synthesis failed' : 'error'}: ${report.error?.message}\n`);
    if (report.error?.output) io.stderr(`${report.error.output}\n`);
  } else {
    const broadening = report.stacks.filter((s) => s.broadenings.length > 0);
    io.stderr(broadening.length > 0
      ? `genai-diff: security broadens in ${broadening.map((s) => s.displayName).join(', ')} (exit 1); report: ${display(reportPath)}\n`
      : `genai-diff: nothing broadens security in ${report.stacks.length} stack${report.stacks.length === 1 ? '' : 's'} (exit 0); report: ${display(reportPath)}\n`);
  }
  return report.exitCode;
}

/** Runs genai-diff with the given arguments and returns its exit code (0, 1 or 2). */
export function main(argv: string[], io: Io): number {
  try {
    const args = parseArgs(argv);
    switch (args.command) {
      case 'help':
        io.stdout(HELP);
        return EXIT.OK;
      case 'version':
        io.stdout(`${io.version}\n`);
        return EXIT.OK;
      case 'baseline':
        return runBaseline(args, io);
      case 'check':
        return runCheck(args, io);
    }
  } catch (e) {
    if (e instanceof GenaiDiffError) {
      io.stderr(`genai-diff: ${e.kind === 'synth' ? 'synthesis failed' : 'error'}: ${e.message}\n`);
      if (e.output) io.stderr(`${e.output}\n`);
      return EXIT.ERROR;
    }
    io.stderr(`genai-diff: internal error, please report it with this output: ${(e as Error)?.stack ?? e}\n`);
    return EXIT.ERROR;
  }
}
