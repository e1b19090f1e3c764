import {
  BedrockClient,
  DeleteModelInvocationLoggingConfigurationCommand,
  GetModelInvocationLoggingConfigurationCommand,
  PutModelInvocationLoggingConfigurationCommand,
} from '@aws-sdk/client-bedrock';

/** The custom resource event CloudFormation sends (the fields this provider uses). */
export interface CustomResourceEvent {
  readonly RequestType: 'Create' | 'Update' | 'Delete';
  readonly ResponseURL: string;
  readonly StackId: string;
  readonly RequestId: string;
  readonly LogicalResourceId: string;
  readonly PhysicalResourceId?: string;
  readonly ResourceProperties: { readonly BucketName?: string; readonly KeyPrefix?: string };
}

/** The answer CloudFormation expects at the response URL. */
export interface CustomResourceResponse {
  readonly Status: 'SUCCESS' | 'FAILED';
  readonly Reason?: string;
  readonly PhysicalResourceId: string;
  readonly StackId: string;
  readonly RequestId: string;
  readonly LogicalResourceId: string;
}

/**
 * Creates, updates or deletes the account's Bedrock model invocation logging configuration (one per
 * account and region). Delete removes the configuration only while it still points at this resource's
 * bucket and prefix, so a configuration someone replaced is left alone. Never throws.
 */
export async function applyLoggingConfig(event: CustomResourceEvent, bedrock: BedrockClient): Promise<CustomResourceResponse> {
  const bucketName = event.ResourceProperties.BucketName ?? '';
  const keyPrefix = event.ResourceProperties.KeyPrefix ?? '';
  const physicalId = `bedrock-invocation-logging:${bucketName}/${keyPrefix}`;
  const base = { StackId: event.StackId, RequestId: event.RequestId, LogicalResourceId: event.LogicalResourceId };
  try {
    if (event.RequestType === 'Delete') {
      const current = await bedrock.send(new GetModelInvocationLoggingConfigurationCommand({}));
      const s3 = current.loggingConfig?.s3Config;
      if (s3 && s3.bucketName === bucketName && (s3.keyPrefix ?? '') === keyPrefix) {
        await bedrock.send(new DeleteModelInvocationLoggingConfigurationCommand({}));
      }
      return { ...base, Status: 'SUCCESS', PhysicalResourceId: event.PhysicalResourceId ?? physicalId };
    }
    if (!bucketName) throw new Error('BucketName is required');
    await bedrock.send(
      new PutModelInvocationLoggingConfigurationCommand({
        loggingConfig: {
          s3Config: { bucketName, keyPrefix },
          textDataDeliveryEnabled: true,
          imageDataDeliveryEnabled: false,
          embeddingDataDeliveryEnabled: false,
          videoDataDeliveryEnabled: false,
        },
      }),
    );
    return { ...base, Status: 'SUCCESS', PhysicalResourceId: physicalId };
  } catch (error) {
    const name = (error as { name?: string })?.name ?? 'Error';
    // A failed Create has no physical id yet; CloudFormation then skips the Delete of the rollback.
    return { ...base, Status: 'FAILED', Reason: `Bedrock invocation logging ${event.RequestType} failed: ${name}`, PhysicalResourceId: event.PhysicalResourceId ?? physicalId };
  }
}
