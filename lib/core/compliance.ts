import { Stage, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks, HIPAASecurityChecks, NIST80053R5Checks } from 'cdk-nag';
import { IConstruct } from 'constructs';
import { GenAIChecks } from './genai-checks/genai-checks';
import { ControlTowerValidator } from './private/control-tower';

/** Which compliance packs {@link Compliance.apply} registers. Every pack is on unless turned off. */
export interface ComplianceOptions {
  /** cdk-nag AwsSolutions. @default true */
  readonly awsSolutions?: boolean;
  /** cdk-nag NIST 800-53 rev 5. @default true */
  readonly nist80053R5?: boolean;
  /** cdk-nag HIPAA Security. @default true */
  readonly hipaaSecurity?: boolean;
  /** The AWS Control Tower proactive controls, run by cfn-guard. @default true */
  readonly controlTower?: boolean;
  /** This library's {@link GenAIChecks} (SageMaker and Bedrock rules no other pack has). @default true */
  readonly genAIChecks?: boolean;
  /** Print each rule's explanation with its finding. @default false */
  readonly verbose?: boolean;
}

const applied = new WeakSet<Stage>();

/**
 * The compliance packs as synth-time checks: cdk-nag AwsSolutions, NIST 800-53 R5 and HIPAA Security,
 * this library's {@link GenAIChecks}, and the AWS Control Tower proactive controls (cfn-guard).
 *
 * @example
 * import { App } from 'aws-cdk-lib';
 * import { Compliance } from 'genai-platform-constructs';
 *
 * const app = new App();
 * // ... stacks ...
 * Compliance.apply(app); // `cdk synth` now fails on any unacknowledged finding
 */
export class Compliance {
  /**
   * Registers the compliance packs as validation plugins on the app (or stage) that contains `scope`,
   * so that `cdk synth` fails on any unacknowledged finding. Packs see the whole app. Calling it again
   * for the same app does nothing.
   *
   * @param scope the app, a stage, or any construct inside them
   * @param options which packs to run (all by default)
   */
  public static apply(scope: IConstruct, options: ComplianceOptions = {}): void {
    const stage = Stage.isStage(scope) ? scope : Stage.of(scope);
    if (!stage) {
      throw new Error(`${scope.node.path}: Compliance.apply needs a construct inside an App or Stage`);
    }
    if (applied.has(stage)) return;
    applied.add(stage);
    const verbose = options.verbose ?? false;
    const plugins = [];
    if (options.awsSolutions ?? true) plugins.push(new AwsSolutionsChecks(stage, { verbose }));
    if (options.nist80053R5 ?? true) plugins.push(new NIST80053R5Checks(stage, { verbose }));
    if (options.hipaaSecurity ?? true) plugins.push(new HIPAASecurityChecks(stage, { verbose }));
    if (options.genAIChecks ?? true) plugins.push(new GenAIChecks(stage, { verbose }));
    if (options.controlTower ?? true) plugins.push(new ControlTowerValidator({ maxBuffer: 64 * 1024 * 1024 }));
    Validations.of(stage).addPlugins(...plugins);
  }

  private constructor() {}
}

/**
 * Registers the compliance packs on the app that contains `scope`.
 *
 * @deprecated use {@link Compliance.apply}; this TypeScript-only alias is removed in the next minor
 * release (jsii languages never had it).
 */
export function applyCompliance(scope: IConstruct, options: ComplianceOptions = {}): void {
  Compliance.apply(scope, options);
}
