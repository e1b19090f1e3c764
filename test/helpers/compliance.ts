import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { App, AppProps } from 'aws-cdk-lib';
import { applyCompliance, ComplianceOptions } from '../../lib';

/** Context every test app uses: the feature flags and strict template validation of cdk.json. */
export const STRICT_CONTEXT: Record<string, unknown> = JSON.parse(readFileSync(join(__dirname, '..', '..', 'cdk.json'), 'utf8')).context;

/** A test app with strict template validation and its own output folder. */
export function strictApp(props: AppProps = {}): App {
  return new App({ outdir: mkdtempSync(join(tmpdir(), 'genai-test-')), ...props, context: { ...STRICT_CONTEXT, ...props.context } });
}

/** One unacknowledged finding: `plugin rule @ construct path`. */
export type Finding = string;

/**
 * Synthesizes the app with every compliance pack registered and returns the unacknowledged findings
 * (errors and warnings of every plugin, including CloudFormation schema validation).
 */
export function complianceFindings(app: App, options?: ComplianceOptions): Finding[] {
  applyCompliance(app, options);
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

/** Runs `fn` with aws-cdk-lib's CloudFormation schema validation on (test/helpers/setup.ts turns it off). */
export function withSchemaValidation<T>(fn: () => T): T {
  const before = process.env.CDK_VALIDATION;
  process.env.CDK_VALIDATION = 'true';
  try {
    return fn();
  } finally {
    if (before === undefined) delete process.env.CDK_VALIDATION;
    else process.env.CDK_VALIDATION = before;
  }
}
