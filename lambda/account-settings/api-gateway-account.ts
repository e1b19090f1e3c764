import { APIGatewayClient, GetAccountCommand } from '@aws-sdk/client-api-gateway';
import type { CustomResourceEvent, CustomResourceResponse } from '../shared/custom-resource';

/** The properties of `Custom::ApiGatewayAccountCheck`. */
export interface AccountCheckProperties {
  /** The CloudWatch Logs role this stack sets in the account's API Gateway settings. */
  readonly RoleArn?: string;
  /** `'true'` to replace a role someone else set. */
  readonly TakeOver?: string;
  readonly [key: string]: string | undefined;
}

/** The physical id of the check (one per stack and region). */
export const CHECK_PHYSICAL_ID = 'apigateway-account-logging-check';

/** The message of a deployment that would overwrite someone else's setting. */
export function conflictReason(current: string, region: string | undefined): string {
  return (
    `The API Gateway account settings${region ? ` of ${region}` : ''} already send logs through the role ${current}, which this stack did not set ` +
    '(another stack in the same account and region, e.g. the other profile, or a landing zone). This setting is one per account and region: ' +
    'set configureAccountLogging: false to keep logging through that role, or takeOverAccountSettings: true to replace it.'
  );
}

/**
 * Runs before `AWS::ApiGateway::Account` is created or changed: succeeds when the account's CloudWatch Logs
 * role is unset, already this stack's role (now or before this update), or when the stack takes the
 * setting over; fails with a message naming the current role otherwise. Delete does nothing (the setting
 * and its role are retained). Never throws.
 */
export async function checkApiGatewayAccount(event: CustomResourceEvent<AccountCheckProperties>, apigateway: APIGatewayClient): Promise<CustomResourceResponse> {
  const base = { StackId: event.StackId, RequestId: event.RequestId, LogicalResourceId: event.LogicalResourceId, PhysicalResourceId: event.PhysicalResourceId ?? CHECK_PHYSICAL_ID };
  if (event.RequestType === 'Delete') return { ...base, Status: 'SUCCESS' };
  const ours = event.ResourceProperties.RoleArn;
  if (!ours) return { ...base, Status: 'FAILED', Reason: 'RoleArn is required' };
  let current: string | undefined;
  try {
    current = (await apigateway.send(new GetAccountCommand({}))).cloudwatchRoleArn || undefined;
  } catch (error) {
    const name = (error as { name?: string })?.name ?? 'Error';
    return { ...base, Status: 'FAILED', Reason: `Reading the API Gateway account settings failed: ${name}` };
  }
  const previous = event.OldResourceProperties?.RoleArn;
  if (current === undefined || current === ours || current === previous || event.ResourceProperties.TakeOver === 'true') {
    return { ...base, Status: 'SUCCESS', Data: { PreviousRoleArn: current ?? '' } };
  }
  return { ...base, Status: 'FAILED', Reason: conflictReason(current, process.env.AWS_REGION) };
}
