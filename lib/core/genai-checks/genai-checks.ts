import { CfnResource, PolicyValidationPluginReport } from 'aws-cdk-lib';
import { NagPack, NagPackProps } from 'cdk-nag';
import { IConstruct } from 'constructs';
import { withMemo } from './private/template';
import { GENAI_PACK_NAME } from './rule';
import { GENAI_RULES } from './rules';

/** What one GenAIChecks rule checks (for documentation and tooling). */
export interface GenAIRuleInfo {
  /** The rule id, e.g. `GenAI-SageMakerModelNetworkIsolation`; acknowledge findings with it. */
  readonly id: string;
  /** `Error` or `Warning`. */
  readonly level: string;
  /** The CloudFormation resource types the rule looks at. */
  readonly resourceTypes: string[];
  /** What is wrong when the rule fires. */
  readonly info: string;
  /** Why it matters. */
  readonly explanation: string;
  /** How to fix it. */
  readonly fix: string;
}

/**
 * The compliance rules no other pack has for SageMaker and Bedrock: network isolation and KMS keys of
 * models, endpoints, training, processing and monitoring jobs (inside pipeline definitions too),
 * auto-rollback and multi-instance endpoints, least-privilege pipeline roles, complete Bedrock
 * guardrails, and Lambda roles that invoke only named models, endpoints and guardrails.
 *
 * A cdk-nag v3 pack: register it as a validation plugin on the app, and acknowledge a finding on the
 * resource (or an ancestor) with its rule id.
 *
 * @example
 * import { App, Stack, Validations } from 'aws-cdk-lib';
 * import { GenAIChecks, InferenceEndpoint, SecureDataLake } from 'genai-platform-constructs';
 *
 * const app = new App();
 * Validations.of(app).addPlugins(new GenAIChecks(app));
 * const stack = new Stack(app, 'Dev');
 * const devEndpoint = new InferenceEndpoint(stack, 'Endpoint', { dataLake: new SecureDataLake(stack, 'Lake'), modelPackageGroupName: 'llm' });
 * // on purpose, for one development endpoint:
 * Validations.of(devEndpoint).acknowledge({ id: 'GenAI-SageMakerEndpointMultiInstance', reason: 'Development endpoint, one instance to save cost' });
 */
export class GenAIChecks extends NagPack {
  /** What every rule of the pack checks, in the order they are applied. */
  public static describeRules(): GenAIRuleInfo[] {
    return GENAI_RULES.map((r) => ({
      id: `${GENAI_PACK_NAME}-${r.name}`,
      level: r.level,
      resourceTypes: [...r.resourceTypes],
      info: r.info,
      explanation: r.explanation,
      fix: r.fix,
    }));
  }

  /** The plugin name shown in validation reports. */
  public readonly name: string;
  /** The ids of the pack's rules (always set, optional only because the base class declares it so). */
  public readonly ruleIds?: string[];

  /**
   * @param scope the app (or stage) the pack is registered on, only used with `props.writeSuppressionsToCloudFormation`
   * (to add the aspect that writes acknowledgements into the template metadata)
   * @param props cdk-nag's pack options: verbose explanations, acknowledgements written to CloudFormation metadata
   */
  constructor(scope?: IConstruct, props?: NagPackProps) {
    super(scope, props);
    this.name = GENAI_PACK_NAME;
    this.packName = GENAI_PACK_NAME;
    this.ruleIds = GENAI_RULES.map((r) => `${GENAI_PACK_NAME}-${r.name}`);
  }

  /**
   * Validates a construct tree directly (tests, or CDK versions without `appConstruct` on the context).
   *
   * Returns a report of every finding that is not acknowledged; `success` is true when there is none.
   *
   * @param scope the root of the tree to check, e.g. the app or one stack
   */
  public validateScope(scope: IConstruct): PolicyValidationPluginReport {
    return withMemo(() => super.validateScope(scope));
  }

  /**
   * Applies every rule of the pack to one CloudFormation resource and records the findings that are not acknowledged.
   *
   * @param node the resource to check
   */
  protected checkResource(node: CfnResource): void {
    for (const rule of GENAI_RULES) {
      this.applyRule({
        ruleSuffixOverride: rule.name,
        info: rule.info,
        explanation: `${rule.explanation} Fix: ${rule.fix}`,
        level: rule.level,
        rule: (n: CfnResource) => rule.check(n),
        node,
      });
    }
  }
}
