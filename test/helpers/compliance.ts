import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { App, AppProps, CloudFormationValidatePlugin } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as cxapi from 'aws-cdk-lib/cx-api';
import { Construct } from 'constructs';
import { Compliance, ComplianceOptions } from '../../lib/core/compliance';
import { registerTempDir } from './temp-dirs';

/** Context every test app uses: the feature flags and strict template validation of cdk.json. */
export const STRICT_CONTEXT: Record<string, unknown> = JSON.parse(readFileSync(join(__dirname, '..', '..', 'cdk.json'), 'utf8')).context;

/** A test app with strict template validation and its own output folder (deleted after the test file). */
export function strictApp(props: AppProps = {}): App {
  const outdir = mkdtempSync(join(tmpdir(), 'genai-test-'));
  registerTempDir(outdir);
  return new App({ outdir, ...props, context: { ...STRICT_CONTEXT, ...props.context } });
}

/** One unacknowledged finding: `plugin rule @ construct path`. */
export type Finding = string;

/**
 * Synthesizes the app with every compliance pack registered and returns the unacknowledged findings
 * (errors and warnings of every plugin, including CloudFormation schema validation).
 */
export function complianceFindings(app: App, options?: ComplianceOptions): Finding[] {
  Compliance.apply(app, options);
  const reportPath = join(app.outdir, 'validation-report.json');
  try {
    withSchemaValidation(() => app.synth({ force: true }));
  } catch (e) {
    // A failed validation throws after writing the report; anything else is a real error.
    if (!existsSync(reportPath)) throw e;
  }
  const report = JSON.parse(readFileSync(reportPath, 'utf8'));
  const findings: Finding[] = [];
  for (const plugin of report.pluginReports) {
    for (const v of plugin.violations) {
      for (const c of v.violatingConstructs ?? [{ constructPath: '?' }]) {
        findings.push(`${plugin.pluginName} ${v.ruleName} @ ${c.constructPath}`);
      }
    }
  }
  rmSync(app.outdir, { recursive: true, force: true });
  return findings.sort();
}

/** The environment of a child process that synthesizes an app: strict schema validation on. */
export function validatingEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  return { ...process.env, CDK_VALIDATION: 'true', ...extra };
}

/**
 * The environment of a child process that synthesizes an app whose templates the test validates against the
 * CloudFormation schemas itself, with `schemaFindings` (every other pack runs in the app as usual).
 */
export function schemaCheckedHereEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  return { ...process.env, CDK_VALIDATION: 'false', ...extra };
}

/** The jest worker's CloudFormationValidatePlugin (test/helpers/environment.js), when the file runs under it. */
function workerSchemaPlugin(): CloudFormationValidatePlugin | undefined {
  return (globalThis as any)[Symbol.for('genai-platform-constructs.test-shared')]?.cloudFormationValidatePlugin();
}

/**
 * Runs `fn` with aws-cdk-lib's CloudFormation schema validation on (test/helpers/setup.ts turns it off),
 * with the worker's validation plugin (test/helpers/environment.js) as aws-cdk-lib's singleton, so its
 * engine starts once per worker instead of once per test file.
 */
export function withSchemaValidation<T>(fn: () => T): T {
  const shared = workerSchemaPlugin();
  if (shared) (CloudFormationValidatePlugin as any)._instance = shared;
  const before = process.env.CDK_VALIDATION;
  process.env.CDK_VALIDATION = 'true';
  try {
    return fn();
  } finally {
    if (before === undefined) delete process.env.CDK_VALIDATION;
    else process.env.CDK_VALIDATION = before;
  }
}

/**
 * CloudFormation schema validation of a cloud assembly that another process wrote: an app run as a user
 * runs it (its own process, every other pack registered by the app) with `CDK_VALIDATION=false`, so that it
 * does not start a schema engine of its own (1.5-2 s of CPU, plus warming it up). The templates it wrote,
 * nested stages included, are validated here by the worker's `CloudFormationValidatePlugin` (the same
 * aws-cdk-lib, so the same engine and rules) with the context CDK gives it at synth: each stack's template,
 * construct path, and account and region when they are known. Returns every finding, warnings included,
 * as `CloudFormation Validate <rule> @ <stack path>/<logical id>`.
 */
export function schemaFindings(outdir: string): Finding[] {
  const plugin = workerSchemaPlugin() ?? new CloudFormationValidatePlugin();
  const stacks = new cxapi.CloudAssembly(outdir).stacksRecursively;
  if (stacks.length === 0) throw new Error(`no stack in the cloud assembly ${outdir}`);
  const stackTemplates = stacks.map((s) => ({
    stackConstructPath: s.hierarchicalId,
    templatePath: s.templateFullPath,
    accountId: s.environment.account !== cxapi.UNKNOWN_ACCOUNT ? s.environment.account : undefined,
    region: s.environment.region !== cxapi.UNKNOWN_REGION ? s.environment.region : undefined,
  }));
  const stackOf = new Map(stackTemplates.map((s) => [s.templatePath, s.stackConstructPath]));
  const report = plugin.validate({ templatePaths: stackTemplates.map((s) => s.templatePath), stackTemplates } as any);
  return report.violations
    .flatMap((v) => v.violatingResources.map((r) => `${plugin.name} ${v.ruleName} @ ${stackOf.get(r.templatePath ?? '') ?? r.templatePath}/${r.resourceLogicalId ?? ''}`))
    .sort();
}

/**
 * Several configurations checked in ONE app and ONE synth: each configuration builds its own stack(s)
 * whose ids start with its name, the packs run once over all of them (one guard process, one schema
 * engine), and each test reads the findings of its configuration. Findings are attributed by construct
 * path (`<name>/...`), so the stacks stay as independent as in separate apps.
 *
 * Building happens on the first `findings()` or `built()` call; a configuration that throws fails only
 * its own tests.
 */
export class ComplianceMatrix {
  public readonly app: App;
  private readonly builders = new Map<string, (app: App) => unknown>();
  private readonly values = new Map<string, { value?: unknown; error?: unknown }>();
  private result?: { findings: Finding[]; messages: Map<string, { level: string; data: string; path: string }[]>; templates: Map<string, any> };

  constructor(private readonly options?: ComplianceOptions, appProps: AppProps = {}) {
    this.app = strictApp(appProps);
  }

  /** Registers a configuration. `build` must create stacks whose ids start with `name`. */
  public add<T>(name: string, build: (app: App) => T): () => T {
    if (this.builders.has(name)) throw new Error(`configuration ${name} is registered twice`);
    this.builders.set(name, build);
    return () => this.built(name) as T;
  }

  /**
   * A named part of the matrix for one area of tests: its configurations build their stacks in a construct
   * of that name (so names of different areas never collide) and it reports paths without it. `context` is
   * set on that construct, so it applies to the section's constructs only (CDK reads context such as the
   * cross-stack reference strength from the construct that asks, up to the app).
   */
  public section(prefix: string, context: Record<string, unknown> = {}): ComplianceSection {
    return new ComplianceSection(this, prefix, context);
  }

  /** The configuration a construct path (or configuration name) belongs to. */
  private configOf(path: string): string {
    let best: string | undefined;
    for (const name of this.builders.keys()) {
      if ((path === name || path.startsWith(`${name}/`)) && (!best || name.length > best.length)) best = name;
    }
    return best ?? path;
  }

  /** What the configuration's builder returned (rethrows what it threw). */
  public built(name: string): unknown {
    this.build();
    const entry = this.values.get(this.configOf(name));
    if (!entry) throw new Error(`no configuration ${name}`);
    if ('error' in entry) throw entry.error;
    return entry.value;
  }

  /** The unacknowledged findings on constructs of the configuration, `plugin rule @ path`. */
  public findings(name: string): Finding[] {
    this.built(name);
    return this.run().findings.filter((f) => f.split(' @ ')[1]?.startsWith(`${name}/`) || f.split(' @ ')[1] === name);
  }

  /** Findings on a construct that belongs to no configuration (a builder that creates stacks outside its name). */
  public unattributed(): Finding[] {
    this.build();
    const names = [...this.builders.keys()];
    return this.run().findings.filter((f) => {
      const path = f.split(' @ ')[1] ?? '';
      return !names.some((name) => path === name || path.startsWith(`${name}/`));
    });
  }

  /** Annotations (`info`, `warning`, `error`) of the configuration's stacks, from the same synth. */
  public messages(name: string, level?: 'info' | 'warning' | 'error'): { level: string; data: string; path: string }[] {
    this.built(name);
    const all = [...this.run().messages.entries()].filter(([stack]) => stack.startsWith(name)).flatMap(([, m]) => m);
    return level ? all.filter((m) => m.level === level) : all;
  }

  /** The synthesized template of a stack of the matrix (by its hierarchical id, e.g. `Dev`). */
  public template(stackId: string): Template {
    this.built(stackId);
    const template = this.run().templates.get(stackId);
    if (!template) throw new Error(`no stack ${stackId} in the matrix`);
    return Template.fromJSON(template);
  }

  private build(): void {
    if (this.values.size > 0 || this.builders.size === 0) return;
    for (const [name, build] of this.builders) {
      try {
        this.values.set(name, { value: build(this.app) });
      } catch (error) {
        this.values.set(name, { error });
      }
    }
  }

  private run() {
    if (this.result) return this.result;
    Compliance.apply(this.app, this.options);
    const reportPath = join(this.app.outdir, 'validation-report.json');
    try {
      withSchemaValidation(() => this.app.synth({ force: true }));
    } catch (e) {
      if (!existsSync(reportPath)) throw e;
    }
    const findings: Finding[] = [];
    const report = JSON.parse(readFileSync(reportPath, 'utf8'));
    for (const plugin of report.pluginReports) {
      for (const v of plugin.violations) {
        for (const c of v.violatingConstructs ?? [{ constructPath: '?' }]) findings.push(`${plugin.pluginName} ${v.ruleName} @ ${c.constructPath}`);
      }
    }
    const messages = new Map<string, { level: string; data: string; path: string }[]>();
    const templates = new Map<string, any>();
    for (const stack of new cxapi.CloudAssembly(this.app.outdir).stacksRecursively) {
      templates.set(stack.hierarchicalId, stack.template);
      const levels: Record<string, string> = { 'aws:cdk:info': 'info', 'aws:cdk:warning': 'warning', 'aws:cdk:error': 'error' };
      messages.set(
        stack.hierarchicalId,
        stack.messages.filter((m) => levels[m.entry.type]).map((m) => ({ level: levels[m.entry.type], data: String(m.entry.data), path: m.id })),
      );
    }
    rmSync(this.app.outdir, { recursive: true, force: true });
    this.result = { findings: findings.sort(), messages, templates };
    return this.result;
  }
}

/** A named part of a {@link ComplianceMatrix} (see `section`). */
export class ComplianceSection {
  private scope?: Construct;

  constructor(
    private readonly matrix: ComplianceMatrix,
    private readonly prefix: string,
    private readonly context: Record<string, unknown> = {},
  ) {}

  /** Registers a configuration; `build` gets the section's construct and must create stacks named `name...` in it. */
  public add<T>(name: string, build: (scope: Construct) => T): () => T {
    return this.matrix.add(`${this.prefix}/${name}`, (app: App) => {
      if (!this.scope) {
        this.scope = new Construct(app, this.prefix);
        for (const [key, value] of Object.entries(this.context)) this.scope.node.setContext(key, value);
      }
      return build(this.scope);
    });
  }

  /** What the configuration's builder returned. */
  public built(name: string): unknown {
    return this.matrix.built(`${this.prefix}/${name}`);
  }

  /** The configuration's findings, with paths relative to the section (`plugin rule @ <name>/...`). */
  public findings(name: string): Finding[] {
    const cut = `@ ${this.prefix}/`;
    return this.matrix.findings(`${this.prefix}/${name}`).map((f) => f.replace(cut, '@ '));
  }

  /** The configuration's annotations, with paths relative to the section. */
  public messages(name: string, level?: 'info' | 'warning' | 'error'): { level: string; data: string; path: string }[] {
    return this.matrix.messages(`${this.prefix}/${name}`, level).map((m) => ({ ...m, path: m.path.replace(`/${this.prefix}/`, '/') }));
  }

  /** The template of a stack of the section (by its path in the section, e.g. `Dev`). */
  public template(stackId: string): Template {
    return this.matrix.template(`${this.prefix}/${stackId}`);
  }
}

let shared: ComplianceMatrix | undefined;

/**
 * The one compliance matrix of test/compliance/all.test.ts: every area's configurations in ONE app and ONE
 * synth with every pack, so the schema engine, the packs and cfn-guard start once for all of them.
 */
export function sharedMatrix(): ComplianceMatrix {
  shared ??= new ComplianceMatrix();
  return shared;
}
