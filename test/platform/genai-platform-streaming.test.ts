import { Duration, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { GenAIPlatform, GenAIPlatformProps } from '../../lib/platform/genai-platform';
import { PlatformProfile } from '../../lib/platform/profile';
import { GenAIValidationError } from '../../lib/core/errors';
import { strictApp } from '../helpers/compliance';

function platform(props: GenAIPlatformProps = {}) {
  const stack = new Stack(strictApp(), 'P');
  const p = new GenAIPlatform(stack, 'Platform', { profile: PlatformProfile.DEV, ...props });
  return { stack, platform: p, template: Template.fromStack(stack) };
}

const streamFunctions = (t: Template) => Object.values(t.findResources('AWS::Lambda::Function', { Properties: { Handler: 'index.streamHandler' } })) as any[];
const streamMethods = (t: Template) => Object.values(t.findResources('AWS::ApiGateway::Method', { Properties: { Integration: { ResponseTransferMode: 'STREAM' } } })) as any[];
const dashboardBody = (stack: Stack, t: Template) => JSON.stringify(stack.resolve((Object.values(t.findResources('AWS::CloudWatch::Dashboard'))[0] as any).Properties.DashboardBody));

describe('GenAIPlatform: streaming answers', () => {
  test('on by default: the guardrail function streams behind POST /v1/generate/stream, with the profile\'s concurrency and a dashboard row', () => {
    const { stack, platform: p, template } = platform();
    expect(p.generateFunction.streamFunction).toBeDefined();
    expect(p.api.generateStreamMethod).toBeDefined();
    const [fn] = streamFunctions(template);
    expect(fn.Properties).toEqual(expect.objectContaining({ Timeout: 300, ReservedConcurrentExecutions: PlatformProfile.DEV.generateConcurrency }));
    expect(streamMethods(template)).toHaveLength(1);
    expect(streamMethods(template)[0].Properties.Integration.Uri['Fn::Join'][1]).toEqual(expect.arrayContaining(['/response-streaming-invocations']));
    const body = dashboardBody(stack, template);
    expect(body).toContain('Streaming: time to first token (ms)');
    expect(body).toContain('TimeToFirstToken');
    expect(body).toContain('TokensPerSecond');
  });

  test('PROD reserves its generateConcurrency for streams too', () => {
    const { template } = platform({ profile: PlatformProfile.PROD });
    expect(streamFunctions(template)[0].Properties.ReservedConcurrentExecutions).toBe(PlatformProfile.PROD.generateConcurrency);
  });

  test('streamingOptions reach the function', () => {
    const { template } = platform({ streamingOptions: { timeout: Duration.minutes(10), guardrailWindowChars: 500, reservedConcurrentExecutions: 2 } });
    template.hasResourceProperties('AWS::Lambda::Function', {
      Handler: 'index.streamHandler',
      Timeout: 600,
      ReservedConcurrentExecutions: 2,
      Environment: { Variables: Match.objectLike({ STREAM_WINDOW_CHARS: '500' }) },
    });
  });

  test('streaming: false leaves the buffered route only', () => {
    const { stack, platform: p, template } = platform({ streaming: false });
    expect(p.generateFunction.streamFunction).toBeUndefined();
    expect(p.api.generateStreamMethod).toBeUndefined();
    expect(streamFunctions(template)).toEqual([]);
    expect(streamMethods(template)).toEqual([]);
    expect(dashboardBody(stack, template)).not.toContain('Streaming');
  });

  test('streamingOptions without streaming is a synth error', () => {
    expect(() => platform({ streaming: false, streamingOptions: { guardrailWindowChars: 500 } })).toThrow(GenAIValidationError);
    expect(() => platform({ streaming: false, streamingOptions: { guardrailWindowChars: 500 } })).toThrow(
      /P\/Platform: invalid streamingOptions: got \{"guardrailWindowChars":500\}; allowed: only with streaming: true/,
    );
  });
});
