import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { Acknowledgements, acknowledge, acknowledgeCrossStackReference, acknowledgeStarResource } from './acknowledgements';
import { createEncryptedLogGroup } from './encryption';
import { validateRange } from './errors';
import { lambdaCode } from './lambda-code';
import { STAR_RESOURCE_REASONS } from './private/star-resource-reasons';

/** The Lambda runtime of every function in the library (cdk-nag AwsSolutions-L1 wants the latest). */
export const LAMBDA_RUNTIME = lambda.Runtime.NODEJS_24_X;

/** What Lambda's active tracing grants on Resource "*" (X-Ray has no resource-level permissions for them). */
const XRAY_ACTIONS = ['xray:PutTraceSegments', 'xray:PutTelemetryRecords'];

/** Options of {@link SecureFunction}. */
export interface SecureFunctionProps {
  /** The folder under `lambda/` whose bundle runs (`dist/lambda/<name>/index.js`). */
  readonly handlerName: string;
  /** The export of the bundle Lambda calls. @default 'handler' */
  readonly entryPoint?: string;
  /**
   * A role to run as instead of a new one (a second entry point of the same component: the same
   * permissions, granted once). Only its log-writing permission is added.
   * @default - a new role for this function
   */
  readonly role?: iam.Role;
  /**
   * A name for the new role (when a resource policy in another stack must name it by ARN).
   *
   * @default - a generated name
   */
  readonly roleName?: string;
  /** What the function does. */
  readonly description: string;
  /** Key for the log group, environment variables and dead-letter queue. */
  readonly encryptionKey: kms.IKey;
  readonly environment?: { [key: string]: string };
  /** @default Duration.seconds(30) */
  readonly timeout?: Duration;
  /** @default 512 */
  readonly memorySize?: number;
  /** Reserved concurrency (also a cost and blast-radius cap). @default 10 */
  readonly reservedConcurrentExecutions?: number;
  /** @default logs.RetentionDays.ONE_YEAR */
  readonly logRetention?: logs.RetentionDays;
  /** @default RemovalPolicy.RETAIN */
  readonly removalPolicy?: RemovalPolicy;
  /** @default - not in a VPC (the function only calls AWS APIs over TLS) */
  readonly vpc?: ec2.IVpc;
  /** @default - private subnets with egress */
  readonly vpcSubnets?: ec2.SubnetSelection;
  /** @default - a new security group */
  readonly securityGroups?: ec2.ISecurityGroup[];
  /** Code override (tests). @default - the built bundle of `handlerName` */
  readonly code?: lambda.Code;
  /** The exported entry of the bundle, for a bundle with a second entry. @default 'index.handler' */
  readonly handler?: string;
}

/**
 * A Node.js Lambda function the way this library runs every handler: its own role with no managed
 * policies, an encrypted log group with retention, KMS-encrypted environment, X-Ray tracing, reserved
 * concurrency and an encrypted dead-letter queue for failed asynchronous invocations.
 */
export class SecureFunction extends Construct {
  public readonly function: lambda.Function;
  public readonly role: iam.Role;
  public readonly logGroup: logs.LogGroup;
  public readonly deadLetterQueue: sqs.Queue;

  constructor(scope: Construct, id: string, props: SecureFunctionProps) {
    super(scope, id);
    validateRange(this, 'reservedConcurrentExecutions', props.reservedConcurrentExecutions, 1, 1000, { integer: true });
    validateRange(this, 'memorySize', props.memorySize, 128, 10240, { integer: true });

    this.logGroup = createEncryptedLogGroup(this, 'LogGroup', {
      encryptionKey: props.encryptionKey,
      retention: props.logRetention ?? logs.RetentionDays.ONE_YEAR,
      removalPolicy: props.removalPolicy ?? RemovalPolicy.RETAIN,
    });
    this.role =
      props.role ??
      new iam.Role(this, 'Role', {
        roleName: props.roleName,
        assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
        description: props.description,
      });
    this.role.addToPrincipalPolicy(
      new iam.PolicyStatement({
        actions: ['logs:CreateLogStream', 'logs:PutLogEvents'],
        // The log group's ARN attribute (`...:log-group:<name>:*`) already covers its streams.
        resources: [this.logGroup.logGroupArn],
      }),
    );
    this.deadLetterQueue = new sqs.Queue(this, 'DeadLetterQueue', {
      encryption: sqs.QueueEncryption.KMS,
      encryptionMasterKey: props.encryptionKey,
      enforceSSL: true,
      retentionPeriod: Duration.days(14),
      removalPolicy: props.removalPolicy ?? RemovalPolicy.RETAIN,
    });

    this.function = new lambda.Function(this, 'Resource', {
      runtime: LAMBDA_RUNTIME,
      architecture: lambda.Architecture.ARM_64,
      handler: props.handler ?? `index.${props.entryPoint ?? 'handler'}`,
      code: props.code ?? lambdaCode(props.handlerName),
      description: props.description,
      role: this.role,
      logGroup: this.logGroup,
      loggingFormat: lambda.LoggingFormat.JSON,
      environment: { NODE_OPTIONS: '--enable-source-maps', ...props.environment },
      environmentEncryption: props.encryptionKey,
      timeout: props.timeout ?? Duration.seconds(30),
      memorySize: props.memorySize ?? 512,
      reservedConcurrentExecutions: props.reservedConcurrentExecutions ?? 10,
      tracing: lambda.Tracing.ACTIVE,
      deadLetterQueue: this.deadLetterQueue,
      vpc: props.vpc,
      vpcSubnets: props.vpc ? props.vpcSubnets : undefined,
      securityGroups: props.vpc ? props.securityGroups : undefined,
    });
    this.function.node.addDependency(this.logGroup);

    // A shared role (a second entry of the same bundle) carries these from the function that made it.
    if (!props.role) {
      acknowledge(this.role, Acknowledgements.inlinePolicies);
      // Lambda adds X-Ray's statement (Resource "*") for active tracing; acknowledged only while it is the
      // role's one statement on "*" besides others explained the same way.
      acknowledgeStarResource(this.role, STAR_RESOURCE_REASONS.xray, XRAY_ACTIONS);
    }
    acknowledge(this.deadLetterQueue, Acknowledgements.deadLetterQueue);
    acknowledgeCrossStackReference(this.deadLetterQueue);
    if (!props.vpc) {
      acknowledge(this.function, Acknowledgements.lambdaOutsideVpc);
    }
  }
}
