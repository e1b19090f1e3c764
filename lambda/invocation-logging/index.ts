import { BedrockClient } from '@aws-sdk/client-bedrock';
import { sendResponse } from '../shared/custom-resource';
import { applyLoggingConfig, CustomResourceEvent } from './logging-config';

const bedrock = new BedrockClient({ requestHandler: { connectionTimeout: 2000, requestTimeout: 10_000 }, maxAttempts: 3 });

/** A Lambda-backed CloudFormation custom resource: Bedrock model invocation logging to S3. */
export async function handler(event: CustomResourceEvent): Promise<void> {
  const response = await applyLoggingConfig(event, bedrock);
  const responseStatus = await sendResponse(event.ResponseURL, response);
  console.log(JSON.stringify({ requestType: event.RequestType, status: response.Status, reason: response.Reason, responseStatus }));
}
