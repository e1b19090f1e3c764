import { ArnFormat, RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as apigw from 'aws-cdk-lib/aws-apigateway';
import * as iam from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';

/** What API Gateway does with the account's logging role (the actions of AmazonAPIGatewayPushToCloudWatchLogs that write). */
export const ACCOUNT_LOGGING_ACTIONS = [
  'logs:CreateLogGroup',
  'logs:CreateLogStream',
  'logs:DescribeLogGroups',
  'logs:DescribeLogStreams',
  'logs:PutLogEvents',
];

/** Every log group of the scope's account and region. */
export function logGroupsArn(scope: Construct): string {
  return Stack.of(scope).formatArn({ service: 'logs', resource: 'log-group', resourceName: '*', arnFormat: ArnFormat.COLON_RESOURCE_NAME });
}

/**
 * The role API Gateway uses to write execution and access logs in this account and region, set in the
 * account settings (`AWS::ApiGateway::Account`, a regional singleton). Unlike the role `RestApi` creates
 * with `cloudWatchRole: true`, it has no AWS managed policy: write-only log actions on log groups of this
 * account and region. Both are always retained, whatever the API's removal policy: the account setting
 * keeps pointing to the role after the stack is gone, and other APIs of the region log through it.
 */
export function createAccountLoggingRole(scope: Construct): { role: iam.Role; account: apigw.CfnAccount } {
  const role = new iam.Role(scope, 'AccountLoggingRole', {
    assumedBy: new iam.ServicePrincipal('apigateway.amazonaws.com'),
    description: 'API Gateway writes execution and access logs to CloudWatch Logs of this account and region',
    // Part of the role resource, so a retained role keeps its permissions.
    inlinePolicies: {
      WriteLogs: new iam.PolicyDocument({
        statements: [
          new iam.PolicyStatement({
            actions: ACCOUNT_LOGGING_ACTIONS,
            resources: [logGroupsArn(scope)],
          }),
        ],
      }),
    },
  });
  role.applyRemovalPolicy(RemovalPolicy.RETAIN);
  const account = new apigw.CfnAccount(scope, 'Account', { cloudWatchRoleArn: role.roleArn });
  account.applyRemovalPolicy(RemovalPolicy.RETAIN);
  account.node.addDependency(role);
  return { role, account };
}
