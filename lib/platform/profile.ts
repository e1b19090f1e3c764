import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import * as events from 'aws-cdk-lib/aws-events';
import * as logs from 'aws-cdk-lib/aws-logs';
import { ObjectLockMode } from '../data-lake/secure-data-lake';
import * as scheduler from 'aws-cdk-lib/aws-scheduler';
import { DeploymentStrategy } from '../inference/deployment-strategy';

/**
 * The defaults a profile sets.
 *
 * The removal policy and the training and inference settings can also be set on the platform itself
 * (`removalPolicy`, `training`, `inference`) and termination protection in the stack's props; the others
 * only through a profile of your own ({@link PlatformProfile.custom}).
 */
export interface PlatformProfileProps {
  /** Short name, used in tags (`dev`, `prod`). */
  readonly name: string;
  /** What happens to data, keys, registries and logs on stack deletion. @default RemovalPolicy.RETAIN */
  readonly removalPolicy?: RemovalPolicy;
  /** Retention of CloudWatch log groups. @default logs.RetentionDays.ONE_YEAR */
  readonly logRetention?: logs.RetentionDays;
  /** Stack termination protection. @default false */
  readonly terminationProtection?: boolean;
  /** GPU instance type of training jobs. @default 'ml.g5.xlarge' */
  readonly trainingInstanceType?: string;
  /** Instances per training job (more than one is distributed training). @default 1 */
  readonly trainingInstanceCount?: number;
  /** Managed spot training with checkpoints. @default true */
  readonly trainingUseSpot?: boolean;
  /** Longest a training job may run. @default Duration.hours(4) */
  readonly trainingMaxRuntime?: Duration;
  /** Scheduled retraining. @default - none */
  readonly retrainSchedule?: events.Schedule;
  /** New feedback starts at most one retraining per this window. @default Duration.hours(24) */
  readonly retrainDebounce?: Duration;
  /** Instance type of the inference endpoint. @default 'ml.g5.xlarge' */
  readonly inferenceInstanceType?: string;
  /**
   * Serve the model as an inference component of an `InferenceComponentEndpoint` (copies on a fleet with
   * managed instance scaling, rolling updates with rollback) instead of an `InferenceEndpoint` (instances,
   * blue/green). `inferenceMinCopies` and `inferenceMaxCopies` apply to components, `inferenceMinCapacity`,
   * `deploymentStrategy` and `terminationWait` to the classic endpoint.
   * @default true (DEV: scales to zero when idle); PROD: false (warm instances, canary rollouts behind the promotion gate)
   */
  readonly inferenceComponents?: boolean;
  /** Fewest copies of the model (0: it scales to zero when idle, and the fleet with it). @default 0 */
  readonly inferenceMinCopies?: number;
  /** Most copies of the model. @default 1 */
  readonly inferenceMaxCopies?: number;
  /** Fewest endpoint instances (the classic endpoint; a component fleet follows its copies). @default 1 */
  readonly inferenceMinCapacity?: number;
  /** Most endpoint instances (with components: most instances of the fleet). @default 1 */
  readonly inferenceMaxCapacity?: number;
  /** How a new model version replaces the old one (the classic endpoint). @default DeploymentStrategy.allAtOnce() */
  readonly deploymentStrategy?: DeploymentStrategy;
  /** How long the old fleet stays after a rollout, ready for rollback (the classic endpoint). @default Duration.minutes(2) */
  readonly terminationWait?: Duration;
  /** Share of endpoint requests captured into the lake. @default 100 */
  readonly captureSamplingPercentage?: number;
  /**
   * Bedrock model that answers while no SageMaker endpoint serves (model access must be enabled).
   * @default 'amazon.nova-lite-v1:0'
   */
  readonly bedrockModelId?: string;
  /** Reserved concurrency of the guardrail function. @default 5 */
  readonly generateConcurrency?: number;
  /** Share of requests blocked by a policy (per 5 minutes) that raises an alarm. @default 30 */
  readonly blockRateAlarmPercent?: number;
  /** Share of grounding checks below the grounding review threshold that raises an alarm. @default 20 */
  readonly ungroundedRateAlarmPercent?: number;
  /** API requests per second (stage-wide steady rate). @default 10 */
  readonly apiRateLimit?: number;
  /** API burst. @default 20 */
  readonly apiBurstLimit?: number;
  /**
   * Object lock mode of the audit trail's log files (`COMPLIANCE`: nobody, not even the root user, can
   * delete them before the retention ends). @default ObjectLockMode.GOVERNANCE
   */
  readonly auditObjectLockMode?: ObjectLockMode;
  /** When the red team replays its corpus against the guardrail function. @default - weekly, Mondays 03:00 UTC */
  readonly redTeamSchedule?: scheduler.ScheduleExpression;
  /** When sampled answers are judged (a Bedrock evaluation job). @default - weekly, Mondays 04:00 UTC */
  readonly evaluationSchedule?: scheduler.ScheduleExpression;
  /** Rollouts of the endpoint wait for a passing red-team run and bias probes on the canary. @default false */
  readonly promotionGate?: boolean;
}

/**
 * A set of defaults for the whole platform. `DEV` keeps idle cost low and still exercises every part;
 * `PROD` keeps more capacity, protects the stack and rolls out carefully. Both retain all data.
 */
export class PlatformProfile {
  /**
   * One spot GPU for training; the model as an inference component that scales to zero copies (and the
   * endpoint to zero instances) when idle, so an idle DEV pays for no GPU; the Bedrock model answers while
   * the first copy starts; every request captured; weekly red-teaming and output evaluation.
   */
  public static readonly DEV = new PlatformProfile({ name: 'dev' });

  /**
   * Distributed on-demand training, weekly retraining, a classic endpoint of at least two warm instances (one
   * per availability zone) with canary rollouts behind the promotion gate, daily red-teaming and output
   * evaluation, higher API limits, stricter guardrail alarms, termination protection, and audit log files
   * locked in COMPLIANCE mode.
   */
  public static readonly PROD = new PlatformProfile({
    name: 'prod',
    terminationProtection: true,
    trainingInstanceType: 'ml.g5.12xlarge',
    trainingInstanceCount: 2,
    trainingUseSpot: false,
    trainingMaxRuntime: Duration.hours(24),
    retrainSchedule: events.Schedule.cron({ weekDay: 'SUN', hour: '2', minute: '0' }),
    retrainDebounce: Duration.hours(6),
    // Warm instances with blue/green canary rollouts, which the promotion gate evaluates before traffic
    // shifts beyond the canary (a component's rolling update has no canary to evaluate).
    inferenceComponents: false,
    inferenceMinCapacity: 2,
    inferenceMaxCapacity: 4,
    inferenceMinCopies: 2,
    inferenceMaxCopies: 4,
    deploymentStrategy: DeploymentStrategy.canary(10, Duration.minutes(10)),
    terminationWait: Duration.minutes(15),
    captureSamplingPercentage: 25,
    generateConcurrency: 50,
    blockRateAlarmPercent: 15,
    ungroundedRateAlarmPercent: 5,
    apiRateLimit: 50,
    apiBurstLimit: 100,
    auditObjectLockMode: ObjectLockMode.COMPLIANCE,
    redTeamSchedule: scheduler.ScheduleExpression.cron({ hour: '3', minute: '0' }),
    evaluationSchedule: scheduler.ScheduleExpression.cron({ hour: '4', minute: '0' }),
    promotionGate: true,
  });

  /**
   * A profile of your own, where what you leave out takes the DEV value.
   *
   * @param props the profile's name and the defaults that differ from DEV
   */
  public static custom(props: PlatformProfileProps): PlatformProfile {
    return new PlatformProfile(props);
  }

  /** Short name of the profile (`dev`, `prod`), the value of the `profile` tag on every resource of the platform. */
  public readonly name: string;
  /** What happens to data, keys, the model registry and logs on stack deletion (the audit trail survives `DESTROY`). */
  public readonly removalPolicy: RemovalPolicy;
  /** Retention of the platform's CloudWatch log groups. */
  public readonly logRetention: logs.RetentionDays;
  /** Whether {@link GenAIPlatformStack} turns on stack termination protection. */
  public readonly terminationProtection: boolean;
  /** GPU instance type of training jobs. */
  public readonly trainingInstanceType: string;
  /** Instances per training job (more than one is distributed training). */
  public readonly trainingInstanceCount: number;
  /** Whether training uses managed spot capacity (with checkpoints). */
  public readonly trainingUseSpot: boolean;
  /** Longest a training job may run. */
  public readonly trainingMaxRuntime: Duration;
  /** When the training pipeline is started on a schedule (none when undefined). */
  public readonly retrainSchedule?: events.Schedule;
  /** New feedback starts at most one retraining per this window. */
  public readonly retrainDebounce: Duration;
  /** Instance type of the platform's inference endpoint (a GPU type). */
  public readonly inferenceInstanceType: string;
  /** Fewest instances of the platform's inference endpoint. */
  public readonly inferenceMinCapacity: number;
  /** Most instances of the platform's inference endpoint. */
  public readonly inferenceMaxCapacity: number;
  /** Whether the platform serves its model as an inference component (see {@link PlatformProfileProps.inferenceComponents}). */
  public readonly inferenceComponents: boolean;
  /** Fewest copies of the platform's inference component (0: it scales to zero). */
  public readonly inferenceMinCopies: number;
  /** Most copies of the platform's inference component. */
  public readonly inferenceMaxCopies: number;
  /** How a new model version replaces the running one on the platform's inference endpoint. */
  public readonly deploymentStrategy: DeploymentStrategy;
  /** How long the old fleet stays after a rollout, ready for rollback. */
  public readonly terminationWait: Duration;
  /** Percentage of endpoint requests (and responses) captured into the lake. */
  public readonly captureSamplingPercentage: number;
  /** The Bedrock model that answers while no SageMaker endpoint serves (none configured, or not created yet). */
  public readonly bedrockModelId: string;
  /** Reserved concurrency of the guardrail function behind `POST /v1/generate`. */
  public readonly generateConcurrency: number;
  /** Percentage of requests refused by a policy at which the guardrail function's block-rate alarm fires. */
  public readonly blockRateAlarmPercent: number;
  /** Percentage of grounding checks below the grounding review threshold at which the ungrounded-rate alarm fires. */
  public readonly ungroundedRateAlarmPercent: number;
  /** Steady-state requests per second of the API stage (all callers together). */
  public readonly apiRateLimit: number;
  /** Burst capacity of the API stage, in requests. */
  public readonly apiBurstLimit: number;
  /** Object lock mode of the audit trail's log files. */
  public readonly auditObjectLockMode: ObjectLockMode;
  /** When the red team runs. */
  public readonly redTeamSchedule: scheduler.ScheduleExpression;
  /** When sampled answers are judged. */
  public readonly evaluationSchedule: scheduler.ScheduleExpression;
  /** Whether rollouts wait for the promotion gate (red team and bias probes on the canary). */
  public readonly promotionGate: boolean;

  private constructor(props: PlatformProfileProps) {
    this.name = props.name;
    this.removalPolicy = props.removalPolicy ?? RemovalPolicy.RETAIN;
    this.logRetention = props.logRetention ?? logs.RetentionDays.ONE_YEAR;
    this.terminationProtection = props.terminationProtection ?? false;
    this.trainingInstanceType = props.trainingInstanceType ?? 'ml.g5.xlarge';
    this.trainingInstanceCount = props.trainingInstanceCount ?? 1;
    this.trainingUseSpot = props.trainingUseSpot ?? true;
    this.trainingMaxRuntime = props.trainingMaxRuntime ?? Duration.hours(4);
    this.retrainSchedule = props.retrainSchedule;
    this.retrainDebounce = props.retrainDebounce ?? Duration.hours(24);
    this.inferenceInstanceType = props.inferenceInstanceType ?? 'ml.g5.xlarge';
    this.inferenceMinCapacity = props.inferenceMinCapacity ?? 1;
    this.inferenceMaxCapacity = props.inferenceMaxCapacity ?? 1;
    this.inferenceComponents = props.inferenceComponents ?? true;
    this.inferenceMinCopies = props.inferenceMinCopies ?? 0;
    this.inferenceMaxCopies = props.inferenceMaxCopies ?? 1;
    this.deploymentStrategy = props.deploymentStrategy ?? DeploymentStrategy.allAtOnce();
    this.terminationWait = props.terminationWait ?? Duration.minutes(2);
    this.captureSamplingPercentage = props.captureSamplingPercentage ?? 100;
    this.bedrockModelId = props.bedrockModelId ?? 'amazon.nova-lite-v1:0';
    this.generateConcurrency = props.generateConcurrency ?? 5;
    this.blockRateAlarmPercent = props.blockRateAlarmPercent ?? 30;
    this.ungroundedRateAlarmPercent = props.ungroundedRateAlarmPercent ?? 20;
    this.apiRateLimit = props.apiRateLimit ?? 10;
    this.apiBurstLimit = props.apiBurstLimit ?? 20;
    this.auditObjectLockMode = props.auditObjectLockMode ?? ObjectLockMode.GOVERNANCE;
    this.redTeamSchedule = props.redTeamSchedule ?? scheduler.ScheduleExpression.cron({ weekDay: 'MON', hour: '3', minute: '0' });
    this.evaluationSchedule = props.evaluationSchedule ?? scheduler.ScheduleExpression.cron({ weekDay: 'MON', hour: '4', minute: '0' });
    this.promotionGate = props.promotionGate ?? false;
  }
}
