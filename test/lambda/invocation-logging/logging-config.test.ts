import {
  BedrockClient,
  DeleteModelInvocationLoggingConfigurationCommand,
  GetModelInvocationLoggingConfigurationCommand,
  PutModelInvocationLoggingConfigurationCommand,
} from '@aws-sdk/client-bedrock';
import { mockClient } from 'aws-sdk-client-mock';
import { applyLoggingConfig, CustomResourceEvent } from '../../../lambda/invocation-logging/logging-config';

const bedrock = mockClient(BedrockClient);
const base = { ResponseURL: 'https://example.com/r', StackId: 'stack', RequestId: 'req', LogicalResourceId: 'Logging' };
const props = { BucketName: 'capture', KeyPrefix: 'bedrock-invocation-logs/' };
const ev = (RequestType: CustomResourceEvent['RequestType'], extra: Partial<CustomResourceEvent> = {}): CustomResourceEvent => ({ ...base, RequestType, ResourceProperties: props, ...extra });

beforeEach(() => bedrock.reset());

describe('invocation logging provider', () => {
  test.each(['Create', 'Update'] as const)('%s with no configuration yet puts an S3 metadata-only configuration (no prompt text)', async (type) => {
    bedrock.on(GetModelInvocationLoggingConfigurationCommand).resolves({});
    bedrock.on(PutModelInvocationLoggingConfigurationCommand).resolves({});
    const res = await applyLoggingConfig(ev(type), new BedrockClient({}));
    expect(res).toEqual({ Status: 'SUCCESS', PhysicalResourceId: 'bedrock-invocation-logging:capture/bedrock-invocation-logs/', StackId: 'stack', RequestId: 'req', LogicalResourceId: 'Logging' });
    expect(bedrock.commandCalls(PutModelInvocationLoggingConfigurationCommand)[0].args[0].input).toEqual({
      loggingConfig: {
        s3Config: { bucketName: 'capture', keyPrefix: 'bedrock-invocation-logs/' },
        textDataDeliveryEnabled: false,
        imageDataDeliveryEnabled: false,
        embeddingDataDeliveryEnabled: false,
        videoDataDeliveryEnabled: false,
      },
    });
  });

  test('TextDelivery "true" delivers prompt and answer text', async () => {
    bedrock.on(GetModelInvocationLoggingConfigurationCommand).resolves({});
    bedrock.on(PutModelInvocationLoggingConfigurationCommand).resolves({});
    await applyLoggingConfig(ev('Create', { ResourceProperties: { ...props, TextDelivery: 'true' } }), new BedrockClient({}));
    expect(bedrock.commandCalls(PutModelInvocationLoggingConfigurationCommand)[0].args[0].input.loggingConfig?.textDataDeliveryEnabled).toBe(true);
  });

  test("a configuration someone else set fails the deployment with a message naming it, and is left alone", async () => {
    bedrock.on(GetModelInvocationLoggingConfigurationCommand).resolves({ loggingConfig: { s3Config: { bucketName: 'prod-capture', keyPrefix: 'logs/' } } });
    const res = await applyLoggingConfig(ev('Create'), new BedrockClient({}));
    expect(res.Status).toBe('FAILED');
    expect(res.Reason).toBe(
      'Bedrock model invocation logging of this account and region already sends logs to s3://prod-capture/logs/, which this stack did not set ' +
        '(another stack in the same account and region, e.g. the other profile, or a landing zone). The setting is one per account and region: ' +
        'set invocationLogging: false to leave it as it is, or takeOverAccountSettings: true to replace it.',
    );
    expect(bedrock.commandCalls(PutModelInvocationLoggingConfigurationCommand)).toHaveLength(0);
  });

  test('a CloudWatch-only configuration of someone else is named too', async () => {
    bedrock.on(GetModelInvocationLoggingConfigurationCommand).resolves({ loggingConfig: { cloudWatchConfig: { logGroupName: 'landing-zone-bedrock', roleArn: 'r' } } });
    const res = await applyLoggingConfig(ev('Update'), new BedrockClient({}));
    expect(res).toMatchObject({ Status: 'FAILED', Reason: expect.stringContaining('the CloudWatch Logs group landing-zone-bedrock') });
  });

  test('TakeOver "true" replaces a configuration someone else set', async () => {
    bedrock.on(GetModelInvocationLoggingConfigurationCommand).resolves({ loggingConfig: { s3Config: { bucketName: 'prod-capture' } } });
    bedrock.on(PutModelInvocationLoggingConfigurationCommand).resolves({});
    const res = await applyLoggingConfig(ev('Create', { ResourceProperties: { ...props, TakeOver: 'true' } }), new BedrockClient({}));
    expect(res.Status).toBe('SUCCESS');
    expect(bedrock.commandCalls(PutModelInvocationLoggingConfigurationCommand)).toHaveLength(1);
  });

  test('an Update may move its own configuration (the old bucket and prefix are ours)', async () => {
    bedrock.on(GetModelInvocationLoggingConfigurationCommand).resolves({ loggingConfig: { s3Config: { bucketName: 'old-capture', keyPrefix: 'old/' } } });
    bedrock.on(PutModelInvocationLoggingConfigurationCommand).resolves({});
    const res = await applyLoggingConfig(ev('Update', { OldResourceProperties: { BucketName: 'old-capture', KeyPrefix: 'old/' } }), new BedrockClient({}));
    expect(res.Status).toBe('SUCCESS');
    expect(bedrock.commandCalls(PutModelInvocationLoggingConfigurationCommand)[0].args[0].input.loggingConfig?.s3Config).toEqual({ bucketName: 'capture', keyPrefix: 'bedrock-invocation-logs/' });
  });

  test('its own configuration is updated in place', async () => {
    bedrock.on(GetModelInvocationLoggingConfigurationCommand).resolves({ loggingConfig: { s3Config: { bucketName: 'capture', keyPrefix: 'bedrock-invocation-logs/' }, textDataDeliveryEnabled: true } });
    bedrock.on(PutModelInvocationLoggingConfigurationCommand).resolves({});
    expect((await applyLoggingConfig(ev('Update'), new BedrockClient({}))).Status).toBe('SUCCESS');
  });

  test('Delete removes the configuration while it points at this bucket and prefix', async () => {
    bedrock.on(GetModelInvocationLoggingConfigurationCommand).resolves({ loggingConfig: { s3Config: { bucketName: 'capture', keyPrefix: 'bedrock-invocation-logs/' } } });
    bedrock.on(DeleteModelInvocationLoggingConfigurationCommand).resolves({});
    const res = await applyLoggingConfig(ev('Delete', { PhysicalResourceId: 'pid' }), new BedrockClient({}));
    expect(res).toMatchObject({ Status: 'SUCCESS', PhysicalResourceId: 'pid' });
    expect(bedrock.commandCalls(DeleteModelInvocationLoggingConfigurationCommand)).toHaveLength(1);
  });

  test('Delete leaves a configuration someone else replaced', async () => {
    bedrock.on(GetModelInvocationLoggingConfigurationCommand).resolves({ loggingConfig: { s3Config: { bucketName: 'other', keyPrefix: '' } } });
    const res = await applyLoggingConfig(ev('Delete', { PhysicalResourceId: 'pid' }), new BedrockClient({}));
    expect(res.Status).toBe('SUCCESS');
    expect(bedrock.commandCalls(DeleteModelInvocationLoggingConfigurationCommand)).toHaveLength(0);
  });

  test('a Bedrock error is a FAILED response naming the error (never thrown)', async () => {
    bedrock.on(GetModelInvocationLoggingConfigurationCommand).resolves({});
    bedrock.on(PutModelInvocationLoggingConfigurationCommand).rejects(Object.assign(new Error('Access denied to bucket'), { name: 'ValidationException' }));
    const res = await applyLoggingConfig(ev('Create'), new BedrockClient({}));
    expect(res).toMatchObject({ Status: 'FAILED', Reason: 'Bedrock invocation logging Create failed: ValidationException' });
  });

  test('a missing bucket name fails', async () => {
    const res = await applyLoggingConfig(ev('Create', { ResourceProperties: {} }), new BedrockClient({}));
    expect(res.Status).toBe('FAILED');
    expect(bedrock.calls()).toHaveLength(0);
  });
});
