import { BedrockClient } from '@aws-sdk/client-bedrock';
import { applyLoggingConfig, CustomResourceEvent } from './logging-config';

const bedrock = new BedrockClient({ requestHandler: { connectionTimeout: 2000, requestTimeout: 10_000 }, maxAttempts: 3 });

/** A Lambda-backed CloudFormation custom resource: Bedrock model invocation logging to S3. */
export async function handler(event: CustomResourceEvent): Promise<void> {
  const response = await applyLoggingConfig(event, bedrock);
  const body = JSON.stringify(response);
  // The response URL is a presigned S3 URL: PUT with an empty content type.
  const res = await fetch(event.ResponseURL, { method: 'PUT', body, headers: { 'content-type': '', 'content-length': String(Buffer.byteLength(body)) } });
  console.log(JSON.stringify({ requestType: event.RequestType, status: response.Status, reason: response.Reason, responseStatus: res.status }));
}
