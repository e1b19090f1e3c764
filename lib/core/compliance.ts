import { Stage, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks, HIPAASecurityChecks, NagPack, NIST80053R5Checks } from 'cdk-nag';
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
 * The cdk-nag packs (GenAIChecks is one) registered in each app, by pack and verbosity. A cdk-nag pack checks
 * the whole construct tree of the app it is given (CDK hands every validation plugin the app's root,
 * whichever stage registered it), so each is registered once, on the app, however many stages ask for it:
 * two stages that registered one each checked every construct of the app twice and reported each finding
 * twice.
 */
const nagPacksByApp = new WeakMap<IConstruct, Set<string>>();

/** Stages with the Control Tower rules registered (see `coveredByEnclosingStage`). */
const controlTowerStages = new WeakSet<Stage>();

/**
 * Whether a stage that encloses `stage` also runs the Control Tower rules: CDK gives a stage's plugins the
 * templates of its nested stages too, so the enclosing run already checks every template of `stage`.
 */
function coveredByEnclosingStage(stage: Stage): boolean {
  for (let parent = stage.parentStage; parent; parent = parent.parentStage) {
    if (controlTowerStages.has(parent)) return true;
  }
  return false;
}

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
   * Registers the compliance packs as validation plugins for the app (or stage) that contains `scope`,
   * so that `cdk synth` fails on any unacknowledged finding. Calling it again for the same stage does
   * nothing.
   *
   * The cdk-nag packs (AwsSolutions, NIST 800-53 R5, HIPAA Security and {@link GenAIChecks}) check every
   * construct of the app, whichever stage asks for them, so each is registered once, on the app, however
   * many of its stages call this. The Control Tower rules check the templates of the stage that contains
   * `scope`, its nested stages included; a stage inside another stage that has them leaves its templates
   * to that one, so no template is checked twice.
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

    // cdk-nag packs: once per app, on the app (they check the whole app whichever stage registers them)
    const root = stage.node.root;
    const app = Stage.isStage(root) ? root : stage;
    const registered = nagPacksByApp.get(app) ?? new Set<string>();
    nagPacksByApp.set(app, registered);
    const nagPacks: NagPack[] = [];
    const once = (name: string, on: boolean | undefined, create: () => NagPack) => {
      const key = `${name}${verbose ? ' verbose' : ''}`;
      if ((on ?? true) && !registered.has(key)) {
        registered.add(key);
        nagPacks.push(create());
      }
    };
    once('AwsSolutions', options.awsSolutions, () => new AwsSolutionsChecks(app, { verbose }));
    once('NIST.800.53.R5', options.nist80053R5, () => new NIST80053R5Checks(app, { verbose }));
    once('HIPAA.Security', options.hipaaSecurity, () => new HIPAASecurityChecks(app, { verbose }));
    once('GenAI', options.genAIChecks, () => new GenAIChecks(app, { verbose }));
    if (nagPacks.length > 0) Validations.of(app).addPlugins(...nagPacks);

    // Control Tower: on the stage (guard reads the templates CDK gives the stage's plugins)
    if (options.controlTower ?? true) {
      controlTowerStages.add(stage);
      Validations.of(stage).addPlugins(new ControlTowerValidator({ maxBuffer: 64 * 1024 * 1024, skip: () => coveredByEnclosingStage(stage) }));
    }
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
