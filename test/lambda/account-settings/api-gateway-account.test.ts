import { APIGatewayClient, GetAccountCommand } from '@aws-sdk/client-api-gateway';
import { mockClient } from 'aws-sdk-client-mock';
import { AccountCheckProperties, checkApiGatewayAccount, CHECK_PHYSICAL_ID } from '../../../lambda/account-settings/api-gateway-account';
import type { CustomResourceEvent } from '../../../lambda/shared/custom-resource';

const apigateway = mockClient(APIGatewayClient);
const OURS = 'arn:aws:iam::111122223333:role/Dev-ApiAccountLoggingRole';
const THEIRS = 'arn:aws:iam::111122223333:role/Prod-ApiAccountLoggingRole';
const base = { ResponseURL: 'https://example.com/r', StackId: 'stack', RequestId: 'req', LogicalResourceId: 'Check' };
const ev = (RequestType: CustomResourceEvent['RequestType'], props: AccountCheckProperties = { RoleArn: OURS }, extra: Partial<CustomResourceEvent<AccountCheckProperties>> = {}) =>
  ({ ...base, RequestType, ResourceProperties: props, ...extra }) as CustomResourceEvent<AccountCheckProperties>;

beforeEach(() => apigateway.reset());

describe('API Gateway account settings check', () => {
  test.each([
    ['no role is set yet', undefined],
    ['the role is already this stack’s', OURS],
  ])('succeeds when %s', async (_what, current) => {
    apigateway.on(GetAccountCommand).resolves({ cloudwatchRoleArn: current });
    const res = await checkApiGatewayAccount(ev('Create'), new APIGatewayClient({}));
    expect(res).toEqual({ Status: 'SUCCESS', PhysicalResourceId: CHECK_PHYSICAL_ID, StackId: 'stack', RequestId: 'req', LogicalResourceId: 'Check', Data: { PreviousRoleArn: current ?? '' } });
  });

  test('fails with a clear message when another stack set the role', async () => {
    apigateway.on(GetAccountCommand).resolves({ cloudwatchRoleArn: THEIRS });
    const res = await checkApiGatewayAccount(ev('Create'), new APIGatewayClient({}));
    expect(res.Status).toBe('FAILED');
    expect(res.Reason).toContain(`already send logs through the role ${THEIRS}, which this stack did not set`);
    expect(res.Reason).toContain('set configureAccountLogging: false to keep logging through that role, or takeOverAccountSettings: true to replace it.');
  });

  test('TakeOver "true" lets the stack replace it', async () => {
    apigateway.on(GetAccountCommand).resolves({ cloudwatchRoleArn: THEIRS });
    const res = await checkApiGatewayAccount(ev('Create', { RoleArn: OURS, TakeOver: 'true' }), new APIGatewayClient({}));
    expect(res).toMatchObject({ Status: 'SUCCESS', Data: { PreviousRoleArn: THEIRS } });
  });

  test('an Update that replaces its own role (the old one is ours) succeeds', async () => {
    apigateway.on(GetAccountCommand).resolves({ cloudwatchRoleArn: THEIRS });
    const res = await checkApiGatewayAccount(ev('Update', { RoleArn: OURS }, { OldResourceProperties: { RoleArn: THEIRS }, PhysicalResourceId: CHECK_PHYSICAL_ID }), new APIGatewayClient({}));
    expect(res.Status).toBe('SUCCESS');
  });

  test('Delete does nothing (the setting and its role are retained)', async () => {
    const res = await checkApiGatewayAccount(ev('Delete', { RoleArn: OURS }, { PhysicalResourceId: 'pid' }), new APIGatewayClient({}));
    expect(res).toMatchObject({ Status: 'SUCCESS', PhysicalResourceId: 'pid' });
    expect(apigateway.calls()).toHaveLength(0);
  });

  test('an API error or a missing role is a FAILED response (never thrown)', async () => {
    apigateway.on(GetAccountCommand).rejects(Object.assign(new Error('denied'), { name: 'AccessDeniedException' }));
    expect(await checkApiGatewayAccount(ev('Create'), new APIGatewayClient({}))).toMatchObject({ Status: 'FAILED', Reason: 'Reading the API Gateway account settings failed: AccessDeniedException' });
    expect(await checkApiGatewayAccount(ev('Create', {}), new APIGatewayClient({}))).toMatchObject({ Status: 'FAILED', Reason: 'RoleArn is required' });
  });
});
