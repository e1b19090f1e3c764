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
  test.each(['Create', 'Update'] as const)('%s puts an S3 text-only configuration', async (type) => {
    bedrock.on(PutModelInvocationLoggingConfigurationCommand).resolves({});
    const res = await applyLoggingConfig(ev(type), new BedrockClient({}));
    expect(res).toEqual({ Status: 'SUCCESS', PhysicalResourceId: 'bedrock-invocation-logging:capture/bedrock-invocation-logs/', StackId: 'stack', RequestId: 'req', LogicalResourceId: 'Logging' });
    expect(bedrock.commandCalls(PutModelInvocationLoggingConfigurationCommand)[0].args[0].input).toEqual({
      loggingConfig: {
        s3Config: { bucketName: 'capture', keyPrefix: 'bedrock-invocation-logs/' },
        textDataDeliveryEnabled: true,
        imageDataDeliveryEnabled: false,
        embeddingDataDeliveryEnabled: false,
        videoDataDeliveryEnabled: false,
      },
    });
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
