import { Annotations, ArnFormat, Aws, CustomResource, RemovalPolicy, Stack, Token } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { acknowledgeStarResource } from '../core/acknowledgements';
import { createKey } from '../core/encryption';
import { GenAIValidationError } from '../core/errors';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { SecureFunction } from '../core/secure-function';
import { DataZone } from '../data-lake/data-zone';
import { ISecureDataLake } from '../data-lake/secure-data-lake';
import { INVOCATION_LOGGING_ACTIONS } from './private/actions';
import { STAR_RESOURCE_REASONS } from '../core/private/star-resource-reasons';

/** Properties of {@link BedrockInvocationLogging}. */
export interface BedrockInvocationLoggingProps {
  /** The lake whose INFERENCE_CAPTURE zone receives the logs (encrypted with the lake's key, retained with the lake). */
  readonly dataLake: ISecureDataLake;
  /**
   * Key prefix of the logs (Bedrock appends `AWSLogs/<account>/BedrockModelInvocationLogs/...`).
   * @default 'bedrock-invocation-logs/'
   */
  readonly keyPrefix?: string;
  /**
   * Key for the provider function's logs, environment and dead-letter queue.
   * @default - a new customer-managed key with rotation
   */
  readonly encryptionKey?: kms.IKey;
  /**
   * Removal policy of the provider function's log group and key.
   * @default RemovalPolicy.RETAIN
   */
  readonly removalPolicy?: RemovalPolicy;
  /**
   * Also log the text of prompts and answers (before any guardrail), not only metadata (model, caller,
   * token counts, latency). The text then lies in the INFERENCE_CAPTURE zone encrypted with the lake's
   * key only, readable by every principal that may read that zone, unlike the guardrail traces, whose
   * prompts are envelope-encrypted with a key of their own.
   * @default false (metadata only)
   */
  readonly textDelivery?: boolean;
  /**
   * Replace the account's invocation logging configuration when someone else set it (another stack in
   * the same account and region, a landing zone), instead of failing the deployment.
   * @default false
   */
  readonly takeOverAccountSettings?: boolean;
}


/**
 * Bedrock model invocation logging (metadata of every Bedrock model call in the account and region, and
 * with `textDelivery` the prompts and answers) into the INFERENCE_CAPTURE zone of a lake.
 *
 * CloudFormation has no resource for it, so a small custom resource provider (a `SecureFunction`) calls
 * `PutModelInvocationLoggingConfiguration`; on stack deletion it deletes the configuration if it still
 * points at this bucket. The setting is one per account and region: a stack may hold one of these
 * constructs, and a deployment that finds a configuration someone else set fails with a message naming
 * it, unless `takeOverAccountSettings`. Bedrock writes with its service principal, limited to this
 * account by `aws:SourceAccount` and `aws:SourceArn` on the bucket and key policies (imported buckets and
 * keys need those statements from their owner).
 */
export class BedrockInvocationLogging extends Construct {

  /** The bucket the logs go to. */
  public readonly bucket: s3.IBucket;
  /** The key prefix of the logs. */
  public readonly keyPrefix: string;
  /** The custom resource provider function. */
  public readonly provider: lambda.IFunction;
  /** The custom resource. */
  public readonly resource: CustomResource;
  /** Whether prompt and answer text is logged (`textDelivery`), not only metadata. */
  public readonly textDelivery: boolean;

  /**
   * @param scope the scope in which to define this construct
   * @param id the scoped construct id (unique among its siblings)
   * @param props the logging's properties
   */
  constructor(scope: Construct, id: string, props: BedrockInvocationLoggingProps) {
    super(scope, id);
    const first = Stack.of(this)
      .node.findAll()
      .find((c) => c !== this && c instanceof BedrockInvocationLogging);
    if (first) {
      throw new GenAIValidationError(
        this,
        'scope',
        `a second BedrockInvocationLogging in the stack ${Stack.of(this).stackName}`,
        `at most one per stack (Bedrock invocation logging is one setting per account and region); the stack has ${first.node.path} (with GuardrailFunction, set invocationLogging: false on all but one)`,
      );
    }
    const prefix = props.keyPrefix ?? 'bedrock-invocation-logs/';
    if (!Token.isUnresolved(prefix) && !/^([A-Za-z0-9!_.*'()-]+\/)+$/.test(prefix)) {
      throw new GenAIValidationError(this, 'keyPrefix', prefix, "a key prefix of safe characters ending with '/', e.g. 'bedrock-invocation-logs/'");
    }
    this.keyPrefix = prefix;
    this.textDelivery = props.textDelivery ?? false;
    if (this.textDelivery) {
      Annotations.of(this).addWarningV2(
        'genai-platform-constructs:invocation-logging-text',
        'Bedrock invocation logging delivers prompt and answer text: it lies in the INFERENCE_CAPTURE zone under the lake key, readable by every principal that may read that zone.',
      );
    }
    this.bucket = props.dataLake.bucket(DataZone.INFERENCE_CAPTURE);
    const stack = Stack.of(this);
    const sourceArn = stack.formatArn({ service: 'bedrock', resource: '*', arnFormat: ArnFormat.NO_RESOURCE_NAME });
    const conditions = { StringEquals: { 'aws:SourceAccount': Aws.ACCOUNT_ID }, ArnLike: { 'aws:SourceArn': sourceArn } };

    const bucketPolicy = this.bucket.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'AllowBedrockInvocationLogs',
        principals: [new iam.ServicePrincipal('bedrock.amazonaws.com')],
        actions: ['s3:PutObject'],
        resources: [this.bucket.arnForObjects(`${prefix}*`)],
        conditions,
      }),
    );
    props.dataLake.encryptionKey.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'AllowBedrockInvocationLogs',
        principals: [new iam.ServicePrincipal('bedrock.amazonaws.com')],
        actions: ['kms:GenerateDataKey'],
        resources: ['*'],
        conditions,
      }),
    );

    const removalPolicy = props.removalPolicy ?? RemovalPolicy.RETAIN;
    const key = props.encryptionKey ?? createKey(this, 'Key', `Encrypts the Bedrock invocation logging provider of ${this.node.path}`, removalPolicy);
    const provider = new SecureFunction(this, 'Provider', {
      handlerName: 'invocation-logging',
      description: 'Turns Bedrock model invocation logging to the data lake on and off (CloudFormation custom resource)',
      encryptionKey: key,
      reservedConcurrentExecutions: 1,
      removalPolicy,
    });
    this.provider = provider.function;
    provider.role.addToPrincipalPolicy(new iam.PolicyStatement({ actions: [...INVOCATION_LOGGING_ACTIONS], resources: ['*'] }));
    acknowledgeStarResource(provider.role, STAR_RESOURCE_REASONS.bedrockLoggingConfiguration, INVOCATION_LOGGING_ACTIONS);

    this.resource = new CustomResource(this, 'Resource', {
      serviceToken: provider.function.functionArn,
      resourceType: 'Custom::BedrockInvocationLogging',
      properties: {
        BucketName: this.bucket.bucketName,
        KeyPrefix: prefix,
        TextDelivery: String(props.textDelivery ?? false),
        TakeOver: String(props.takeOverAccountSettings ?? false),
      },
    });
    // The role's policy must exist before Create and after Delete; Bedrock checks the bucket policy on Put.
    this.resource.node.addDependency(provider.role);
    if (bucketPolicy.policyDependable) this.resource.node.addDependency(bucketPolicy.policyDependable);
    if (props.dataLake.encryptionKey instanceof kms.Key) this.resource.node.addDependency(props.dataLake.encryptionKey);
  }
}
