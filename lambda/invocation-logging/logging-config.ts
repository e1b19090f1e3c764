import {
  BedrockClient,
  DeleteModelInvocationLoggingConfigurationCommand,
  GetModelInvocationLoggingConfigurationCommand,
  PutModelInvocationLoggingConfigurationCommand,
} from '@aws-sdk/client-bedrock';
import type { CustomResourceEvent as SharedEvent, CustomResourceResponse } from '../shared/custom-resource';

/** The custom resource event of `Custom::BedrockInvocationLogging`. */
export type CustomResourceEvent = SharedEvent<LoggingProperties>;

/** The properties of `Custom::BedrockInvocationLogging`. */
export interface LoggingProperties {
  readonly BucketName?: string;
  readonly KeyPrefix?: string;
  /** `'true'` to deliver prompt and answer text; anything else logs metadata only. */
  readonly TextDelivery?: string;
  /** `'true'` to replace a configuration someone else set. */
  readonly TakeOver?: string;
}

/** Where an existing configuration sends the logs, for messages. */
function destinationOf(config: { s3Config?: { bucketName?: string; keyPrefix?: string }; cloudWatchConfig?: { logGroupName?: string } }): string {
  if (config.s3Config?.bucketName) return `s3://${config.s3Config.bucketName}/${config.s3Config.keyPrefix ?? ''}`;
  if (config.cloudWatchConfig?.logGroupName) return `the CloudWatch Logs group ${config.cloudWatchConfig.logGroupName}`;
  return 'another destination';
}

/** The message of a deployment that would overwrite someone else's configuration. */
export function conflictReason(destination: string): string {
  return (
    `Bedrock model invocation logging of this account and region already sends logs to ${destination}, which this stack did not set ` +
    '(another stack in the same account and region, e.g. the other profile, or a landing zone). The setting is one per account and region: ' +
    'set invocationLogging: false to leave it as it is, or takeOverAccountSettings: true to replace it.'
  );
}

/**
 * Creates, updates or deletes the account's Bedrock model invocation logging configuration (one per
 * account and region). Create and Update first read the current configuration and fail, naming its
 * destination, when it exists and is not this resource's (now or before this update), unless `TakeOver`
 * is `'true'`. Text (prompts and answers) is delivered only with `TextDelivery: 'true'`; otherwise only
 * metadata is logged. Delete removes the configuration only while it still points at this resource's
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
    const existing = (await bedrock.send(new GetModelInvocationLoggingConfigurationCommand({}))).loggingConfig;
    if (existing && event.ResourceProperties.TakeOver !== 'true') {
      const s3 = existing.s3Config;
      const old = event.OldResourceProperties;
      const points = (b?: string, p?: string) => s3 !== undefined && s3.bucketName === b && (s3.keyPrefix ?? '') === (p ?? '');
      if (!points(bucketName, keyPrefix) && !(old && points(old.BucketName, old.KeyPrefix))) {
        return { ...base, Status: 'FAILED', Reason: conflictReason(destinationOf(existing)), PhysicalResourceId: event.PhysicalResourceId ?? physicalId };
      }
    }
    await bedrock.send(
      new PutModelInvocationLoggingConfigurationCommand({
        loggingConfig: {
          s3Config: { bucketName, keyPrefix },
          textDataDeliveryEnabled: event.ResourceProperties.TextDelivery === 'true',
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
