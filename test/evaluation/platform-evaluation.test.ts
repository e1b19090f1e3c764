import { App, Stack } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import { platformProps } from '../../bin/platform-props';
import { GenAIPlatform, GenAIPlatformProps } from '../../lib/platform/genai-platform';
import { PlatformProfile } from '../../lib/platform/profile';

function platform(props: GenAIPlatformProps, region = 'us-east-1') {
  const stack = new Stack(new App(), 'P', { env: { account: '123456789012', region } });
  const p = new GenAIPlatform(stack, 'Platform', props);
  return { stack, p, t: Template.fromStack(stack) };
}

function schedules(t: Template): string[] {
  return Object.values(t.findResources('AWS::Scheduler::Schedule')).map((s: any) => s.Properties.ScheduleExpression).sort();
}

describe('GenAIPlatform evaluation wiring', () => {
  test('DEV: red team and output evaluation weekly, no promotion gate', () => {
    const { p, t } = platform(platformProps(PlatformProfile.DEV));
    expect(p.redTeam).toBeDefined();
    expect(p.outputEvaluation).toBeDefined();
    expect(schedules(t)).toEqual(['cron(0 3 ? * MON *)', 'cron(0 4 ? * MON *)', 'rate(1 hour)']);
    t.resourcePropertiesCountIs('AWS::CloudWatch::Alarm', { MetricName: 'GateFailed' }, 0);
    // DEV serves through an inference component (rolling updates): no gate alarm anywhere
    expect(p.inferenceEndpoint).toBeUndefined();
    expect(p.componentEndpoint).toBeDefined();
    // the red team takes at most half of DEV's five generate slots
    t.hasResourceProperties('AWS::Lambda::Function', { Description: Match.stringLikeRegexp('^Red-team runs'), Environment: { Variables: Match.objectLike({ CONCURRENCY: '2' }) } });
  });

  test('PROD: daily runs and the promotion gate on the endpoint the first approval creates (in the promotion function\'s rollback alarms)', () => {
    const { p, stack, t } = platform(platformProps(PlatformProfile.PROD));
    expect(schedules(t)).toEqual(['cron(0 3 * * ? *)', 'cron(0 4 * * ? *)', 'rate(1 hour)']);
    const gate = p.redTeam!.alarms.find((a) => a.node.id === 'GateAlarm')!;
    expect(gate).toBeDefined();
    expect(p.inferenceEndpoint!.rollbackAlarms).toContain(gate);
    t.hasResourceProperties('AWS::Lambda::Function', {
      Environment: { Variables: Match.objectLike({ EVALUATION_FUNCTION: stack.resolve(p.outputEvaluation!.function.functionArn), CONCURRENCY: '4' }) },
    });
    const promotion = (Object.values(t.findResources('AWS::Lambda::Function')) as any[]).find((f) => f.Properties.Environment?.Variables?.PROMOTION_CONFIG);
    expect(JSON.stringify(promotion.Properties.Environment.Variables.PROMOTION_CONFIG)).toContain(JSON.stringify(stack.resolve(gate.alarmName)));
  });

  test('one dashboard section with the red-team, judge and bias widgets and the evaluation alarms', () => {
    const { t } = platform(platformProps(PlatformProfile.DEV));
    const body = JSON.stringify(Object.values(t.findResources('AWS::CloudWatch::Dashboard'))[0]);
    for (const title of ['## Evaluation: red team', 'Red team: block rate per category (%)', 'Judged answers (0 to 1)', 'Bias probes: disparate pairs (%)', 'Evaluation alarms']) expect(body).toContain(title);
    expect(body.split('## Evaluation').length - 1).toBe(1);
  });

  test('options: off switches, the gate forced on in DEV, the gate without a red team is an error', () => {
    const off = platform({ ...platformProps(PlatformProfile.DEV), evaluation: { redTeam: false, outputEvaluation: false } });
    expect([off.p.redTeam, off.p.outputEvaluation]).toEqual([undefined, undefined]);
    off.t.resourceCountIs('AWS::Scheduler::Schedule', 0);
    // DEV's component has no canary to evaluate; its classic endpoint rolls out all at once
    expect(() => platform({ ...platformProps(PlatformProfile.DEV), evaluation: { promotionGate: true } })).toThrow(/evaluation.promotionGate: got true; allowed: only with a classic endpoint whose rollouts have a canary or linear shift/);
    const classicDev = { ...platformProps(PlatformProfile.DEV), evaluation: { promotionGate: true } };
    expect(() => platform({ ...classicDev, inference: { ...classicDev.inference, inferenceComponents: false } })).toThrow(/a canary or linear shift/);
    expect(() => platform({ ...platformProps(PlatformProfile.PROD), evaluation: { redTeam: false } })).toThrow(/evaluation.promotionGate.*only with the red team/);
    const noGate = platform({ ...platformProps(PlatformProfile.PROD), evaluation: { promotionGate: false } });
    noGate.t.resourcePropertiesCountIs('AWS::CloudWatch::Alarm', { MetricName: 'GateFailed' }, 0);
  });

  test('a region without Bedrock judge evaluations: the platform warns and keeps the red team', () => {
    const { p, stack } = platform(platformProps(PlatformProfile.DEV), 'af-south-1');
    expect(p.outputEvaluation).toBeUndefined();
    expect(p.redTeam).toBeDefined();
    Annotations.fromStack(stack).hasWarning('/P/Platform', Match.stringLikeRegexp('No output evaluation: Bedrock judge evaluations are not known in af-south-1'));
  });
});
