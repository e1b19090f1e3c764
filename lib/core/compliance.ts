import { Stage, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks, HIPAASecurityChecks, NIST80053R5Checks } from 'cdk-nag';
import { IConstruct } from 'constructs';
import { GenAIChecks } from './genai-checks/genai-checks';
import { ControlTowerValidator } from './private/control-tower';

/** Which compliance packs {@link applyCompliance} registers. Every pack is on unless turned off. */
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
 * Registers the compliance packs as validation plugins on the app (or stage) that contains `scope`, so
 * that `cdk synth` fails on any unacknowledged finding. Packs see the whole app. Calling it again for the
 * same app does nothing.
 */
export function applyCompliance(scope: IConstruct, options: ComplianceOptions = {}): void {
  const stage = Stage.isStage(scope) ? scope : Stage.of(scope);
  if (!stage) {
    throw new Error(`${scope.node.path}: applyCompliance needs a construct inside an App or Stage`);
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
