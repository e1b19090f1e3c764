import { App, Stack } from 'aws-cdk-lib';
import { IConstruct } from 'constructs';
import { GenAIChecks } from '../../../lib/core/genai-checks/genai-checks';

/** A stack in an app of its own, with a fixed environment so ARNs are readable. */
export function newStack(id = 'S'): Stack {
  return new Stack(new App(), id, { env: { account: '123456789012', region: 'us-east-1' } });
}

/** Every GenAIChecks finding under `scope`, as `rule @ path` (granular ids included), sorted. */
export function genAIFindings(scope: IConstruct): string[] {
  const report = new GenAIChecks().validateScope(scope);
  return report.violations.flatMap((v) => v.violatingResources.map((r) => `${v.ruleName} @ ${r.constructPath}`)).sort();
}

/** The findings of one rule (its id and its granular ids). */
export function ruleFindings(scope: IConstruct, rule: string): string[] {
  return genAIFindings(scope).filter((f) => f === `GenAI-${rule}` || f.startsWith(`GenAI-${rule} `) || f.startsWith(`GenAI-${rule}[`));
}
