import { Duration } from 'aws-cdk-lib';
import { IConstruct } from 'constructs';
import { GenAIValidationError, validateRange } from '../core/errors';

/** How traffic moves from the old fleet to the new one during a blue/green deployment. */
export enum TrafficShiftType {
  /** A slice of the new fleet takes traffic first, and the rest follows after the wait. */
  CANARY = 'CANARY',
  /** Traffic moves in equal steps. */
  LINEAR = 'LINEAR',
  /** All traffic moves at once (after the new fleet is healthy). */
  ALL_AT_ONCE = 'ALL_AT_ONCE',
}

/** The traffic routing part of a blue/green update policy, as SageMaker wants it. */
export interface TrafficRoutingConfig {
  /** `CANARY`, `LINEAR` or `ALL_AT_ONCE`. */
  readonly shiftType: string;
  /**
   * `CANARY`, `LINEAR` or `ALL_AT_ONCE`.
   * @deprecated use `shiftType` (`type` is a reserved word in Go)
   */
  readonly type: string;
  /** Seconds between traffic shifts. */
  readonly waitIntervalInSeconds: number;
  /** Share of the new fleet in the first shift (canary only). @default - not a canary */
  readonly canaryPercent?: number;
  /** Share of the new fleet per step (linear only). @default - not linear */
  readonly linearStepPercent?: number;
}

/**
 * How a new model version replaces the running one: SageMaker blue/green deployment with traffic
 * shifting. Whatever the strategy, the endpoint rolls back on its own when a rollback alarm fires
 * before the termination wait has passed.
 *
 * @example
 * import { Duration } from 'aws-cdk-lib';
 * import { DeploymentStrategy } from 'genai-platform-constructs';
 *
 * // 10% of the new fleet first, for 10 minutes, then the rest
 * const strategy = DeploymentStrategy.canary(10, Duration.minutes(10));
 */
export class DeploymentStrategy {
  /**
   * Send `canaryPercent` of the new fleet's capacity first, wait `wait`, then shift the rest.
   * @param canaryPercent 1 to 50: a percentage of 1 to 99, and SageMaker requires the canary to be at most half of the new fleet
   * @param wait how long the canary bakes, 0 to 60 minutes
   */
  public static canary(canaryPercent: number, wait: Duration): DeploymentStrategy {
    return new DeploymentStrategy(TrafficShiftType.CANARY, wait, canaryPercent);
  }

  /**
   * Shift traffic in steps of `stepPercent` of the new fleet's capacity, every `interval`.
   * @param stepPercent 10 to 50 (SageMaker's limits for a linear step)
   * @param interval time between steps, 0 to 60 minutes
   */
  public static linear(stepPercent: number, interval: Duration): DeploymentStrategy {
    return new DeploymentStrategy(TrafficShiftType.LINEAR, interval, stepPercent);
  }

  /**
   * Shift all traffic at once, once the new fleet is healthy.
   * @param wait how long both fleets run before traffic shifts, 0 to 60 minutes (no wait when omitted)
   */
  public static allAtOnce(wait?: Duration): DeploymentStrategy {
    return new DeploymentStrategy(TrafficShiftType.ALL_AT_ONCE, wait ?? Duration.seconds(0));
  }

  /** The kind of traffic shift. */
  public readonly trafficShiftType: TrafficShiftType;
  /** Wait between shifts. */
  public readonly wait: Duration;
  /** Canary size or linear step, in percent of the new fleet. @default - none (all at once) */
  public readonly percent?: number;

  private constructor(type: TrafficShiftType, wait: Duration, percent?: number) {
    this.trafficShiftType = type;
    this.wait = wait;
    this.percent = percent;
  }

  /**
   * The kind of traffic shift.
   * @deprecated use `trafficShiftType` (`type` is a reserved word in Go)
   */
  public get type(): TrafficShiftType {
    return this.trafficShiftType;
  }

  /**
   * Validates the strategy for the construct that uses it and renders SageMaker's traffic routing.
   *
   * Throws an error naming `scope`'s path for values SageMaker would reject (recognize it with
   * {@link GenAIErrors.isGenAIValidationError}).
   *
   * @param scope the construct that uses the strategy, named in validation errors
   * @param property the name of the prop that holds the strategy, named in validation errors (`deploymentStrategy` when omitted)
   */
  public bind(scope: IConstruct, property = 'deploymentStrategy'): TrafficRoutingConfig {
    if (this.trafficShiftType === TrafficShiftType.CANARY) {
      const prop = `${property} canary percent`;
      // A percentage first (1 to 99: 0 shifts nothing, 100 is all at once), then SageMaker's own limit.
      validateRange(scope, prop, this.percent, 1, 99, { integer: true });
      if (this.percent !== undefined && this.percent > 50) {
        throw new GenAIValidationError(scope, prop, this.percent, 'at most 50: SageMaker requires the canary to be at most half of the new fleet (use allAtOnce() to move everything)');
      }
    } else if (this.trafficShiftType === TrafficShiftType.LINEAR) {
      const prop = `${property} linear step percent`;
      validateRange(scope, prop, this.percent, 1, 99, { integer: true });
      if (this.percent !== undefined && (this.percent < 10 || this.percent > 50)) {
        throw new GenAIValidationError(scope, prop, this.percent, 'from 10 to 50: SageMaker requires each linear step to be 10% to 50% of the new fleet');
      }
    }
    const seconds = this.wait.isUnresolved() ? undefined : this.wait.toSeconds({ integral: false });
    if (seconds !== undefined && (!Number.isInteger(seconds) || seconds < 0 || seconds > 3600)) {
      throw new GenAIValidationError(scope, `${property} wait`, this.wait.toHumanString(), 'whole seconds from 0 to 3600 (one hour)');
    }
    return {
      shiftType: this.trafficShiftType,
      type: this.trafficShiftType,
      waitIntervalInSeconds: this.wait.toSeconds(),
      canaryPercent: this.trafficShiftType === TrafficShiftType.CANARY ? this.percent : undefined,
      linearStepPercent: this.trafficShiftType === TrafficShiftType.LINEAR ? this.percent : undefined,
    };
  }
}
