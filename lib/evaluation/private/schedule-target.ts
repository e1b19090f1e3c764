import { Aws, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as scheduler from 'aws-cdk-lib/aws-scheduler';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { Acknowledgements, acknowledge } from '../../core/acknowledgements';

/**
 * The role EventBridge Scheduler invokes a function with: in the construct (not a stack-wide singleton),
 * trusted by the scheduler of this account only, allowed to invoke exactly the function (no version
 * wildcard) and to put undeliverable invocations in its dead-letter queue.
 */
export function scheduleRole(scope: Construct, fn: lambda.IFunction, deadLetterQueue: sqs.IQueue, key: kms.IKey): iam.Role {
  const role = new iam.Role(scope, 'ScheduleRole', {
    assumedBy: new iam.ServicePrincipal('scheduler.amazonaws.com', {
      conditions: {
        StringEquals: { 'aws:SourceAccount': Aws.ACCOUNT_ID },
        ArnLike: { 'aws:SourceArn': Stack.of(scope).formatArn({ service: 'scheduler', resource: 'schedule', resourceName: '*' }) },
      },
    }),
    description: `EventBridge Scheduler invokes ${scope.node.path}`.slice(0, 1000),
  });
  role.addToPrincipalPolicy(new iam.PolicyStatement({ actions: ['lambda:InvokeFunction'], resources: [fn.functionArn] }));
  role.addToPrincipalPolicy(new iam.PolicyStatement({ actions: ['sqs:SendMessage'], resources: [deadLetterQueue.queueArn] }));
  key.grant(role, 'kms:GenerateDataKey', 'kms:Decrypt');
  acknowledge(role, Acknowledgements.inlinePolicies);
  return role;
}

/** A schedule target that invokes `fn` with `input` as `role`, no retries (a missed run waits for the next). */
export function invokeTarget(fn: lambda.IFunction, role: iam.IRole, input: object, deadLetterQueue: sqs.IQueue): scheduler.IScheduleTarget {
  return {
    bind: () => ({
      arn: fn.functionArn,
      role,
      input: scheduler.ScheduleTargetInput.fromObject(input),
      retryPolicy: { maximumRetryAttempts: 0 },
      deadLetterConfig: { arn: deadLetterQueue.queueArn },
    }),
  };
}
