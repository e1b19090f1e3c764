import { Duration, Stack } from 'aws-cdk-lib';
import { Construct } from 'constructs';
import { DeploymentStrategy, TrafficShiftType } from '../../lib/inference/deployment-strategy';

describe('DeploymentStrategy', () => {
  const scope = new Construct(new Stack(), 'Scope');

  test('canary renders a capacity-percent canary and its bake time', () => {
    const s = DeploymentStrategy.canary(25, Duration.minutes(15));
    expect(s.trafficShiftType).toBe(TrafficShiftType.CANARY);
    expect(s.type).toBe(TrafficShiftType.CANARY); // deprecated alias
    expect(s.bind(scope)).toEqual({ shiftType: 'CANARY', type: 'CANARY', waitIntervalInSeconds: 900, canaryPercent: 25, linearStepPercent: undefined });
  });

  test('linear renders its step and interval', () => {
    expect(DeploymentStrategy.linear(10, Duration.minutes(2)).bind(scope)).toEqual({ shiftType: 'LINEAR', type: 'LINEAR', waitIntervalInSeconds: 120, canaryPercent: undefined, linearStepPercent: 10 });
  });

  test('all at once waits nothing by default', () => {
    expect(DeploymentStrategy.allAtOnce().bind(scope)).toEqual({ shiftType: 'ALL_AT_ONCE', type: 'ALL_AT_ONCE', waitIntervalInSeconds: 0, canaryPercent: undefined, linearStepPercent: undefined });
    expect(DeploymentStrategy.allAtOnce().percent).toBeUndefined();
  });

  test('the extremes SageMaker accepts', () => {
    expect(DeploymentStrategy.canary(1, Duration.seconds(0)).bind(scope).canaryPercent).toBe(1);
    expect(DeploymentStrategy.canary(50, Duration.hours(1)).bind(scope).canaryPercent).toBe(50);
    expect(DeploymentStrategy.linear(50, Duration.minutes(1)).bind(scope).linearStepPercent).toBe(50);
  });

  test.each([
    [DeploymentStrategy.canary(0, Duration.minutes(1)), /Scope: invalid deploymentStrategy canary percent: got 0; allowed: an integer from 1 to 99/],
    [DeploymentStrategy.canary(100, Duration.minutes(1)), /Scope: invalid deploymentStrategy canary percent: got 100; allowed: an integer from 1 to 99/],
    [DeploymentStrategy.canary(-5, Duration.minutes(1)), /canary percent: got -5; allowed: an integer from 1 to 99/],
    [DeploymentStrategy.canary(51, Duration.minutes(1)), /Scope: invalid deploymentStrategy canary percent: got 51; allowed: at most 50: SageMaker requires the canary to be at most half/],
    [DeploymentStrategy.canary(99, Duration.minutes(1)), /canary percent: got 99; allowed: at most 50/],
    [DeploymentStrategy.linear(0, Duration.minutes(1)), /linear step percent: got 0; allowed: an integer from 1 to 99/],
    [DeploymentStrategy.linear(5, Duration.minutes(1)), /linear step percent: got 5; allowed: from 10 to 50/],
    [DeploymentStrategy.canary(10.5, Duration.minutes(1)), /canary percent: got 10.5/],
    [DeploymentStrategy.linear(60, Duration.minutes(1)), /linear step percent: got 60/],
    [DeploymentStrategy.linear(10, Duration.millis(1500)), /invalid deploymentStrategy wait: got "1 second 500 millis"; allowed: whole seconds from 0 to 3600/],
    [DeploymentStrategy.allAtOnce(Duration.minutes(61)), /invalid deploymentStrategy wait: got "1 hour 1 minute"/],
  ])('rejects %#', (strategy, pattern) => {
    expect(() => strategy.bind(scope)).toThrow(pattern);
  });
});
