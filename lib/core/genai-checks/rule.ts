import { CfnResource } from 'aws-cdk-lib';
import { NagMessageLevel, NagRuleResult } from 'cdk-nag';

/** The prefix of every GenAIChecks rule id (`GenAI-<name>`). */
export const GENAI_PACK_NAME = 'GenAI';

/**
 * One GenAIChecks rule: what it checks, why, how to fix it, and the check itself. Each rule lives in
 * its own file under `rules/`.
 */
export interface GenAIRule {
  /** The rule's name; its id is `GenAI-<name>`. */
  readonly name: string;
  /** Error (fails synth) or warning. */
  readonly level: NagMessageLevel;
  /** Resource types the rule looks at (for the docs table). */
  readonly resourceTypes: readonly string[];
  /** One line: what is wrong when the rule fires. */
  readonly info: string;
  /** One line: why it matters. */
  readonly explanation: string;
  /** One line: how to fix it. */
  readonly fix: string;
  /**
   * `COMPLIANT`, `NON_COMPLIANT`, `NOT_APPLICABLE`, or a list of granular findings (each reported as
   * `GenAI-<name>[finding]` and acknowledged with that exact id).
   */
  check(node: CfnResource): NagRuleResult;
}

/** Declares a rule (a typed identity: keeps each rule file declarative). */
export function defineRule(rule: GenAIRule): GenAIRule {
  return rule;
}
