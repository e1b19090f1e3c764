import { APIGatewayClient } from '@aws-sdk/client-api-gateway';
import { CustomResourceEvent, sendResponse } from '../shared/custom-resource';
import { AccountCheckProperties, checkApiGatewayAccount } from './api-gateway-account';

const apigateway = new APIGatewayClient({ requestHandler: { connectionTimeout: 2000, requestTimeout: 10_000 }, maxAttempts: 3 });

/** A Lambda-backed CloudFormation custom resource: checks the account's API Gateway logging role before it is set. */
export async function handler(event: CustomResourceEvent<AccountCheckProperties>): Promise<void> {
  const response = await checkApiGatewayAccount(event, apigateway);
  const status = await sendResponse(event.ResponseURL, response);
  console.log(JSON.stringify({ requestType: event.RequestType, status: response.Status, reason: response.Reason, responseStatus: status }));
}
