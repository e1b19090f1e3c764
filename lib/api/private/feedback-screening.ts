import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import { SqsEventSource } from 'aws-cdk-lib/aws-lambda-event-sources';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { Acknowledgements, acknowledge, acknowledgeCrossStackReference, acknowledgeObjectWildcard } from '../../core/acknowledgements';
import { LAKE_READ_ACTIONS, LAKE_WRITE_ACTIONS } from '../../data-lake/private/actions';
import { allowServicesToPublish, grantKeyVia } from '../../core/encryption';
import { SecureFunction } from '../../core/secure-function';
import { DataZone } from '../../data-lake/data-zone';
import { ISecureDataLake } from '../../data-lake/secure-data-lake';
import { GuardrailFunction } from '../../guardrails/guardrail-function';
import { REVIEW_QUEUE_ACTIONS } from '../../guardrails/private/actions';

/** What the screening step needs from its API. */
export interface FeedbackScreeningProps {
  readonly dataLake: ISecureDataLake;
  readonly guardrailFunction: GuardrailFunction;
  readonly quarantinePrefix: string;
  readonly trainingPrefix: string;
  readonly encryptionKey: kms.IKey;
  readonly logRetention: logs.RetentionDays;
  readonly removalPolicy: RemovalPolicy;
}

/**
 * Screens feedback between the quarantine prefix and the prefix training reads:
 *
 *   S3 "Object Created" under the quarantine prefix (EventBridge) → encrypted SQS queue → the guardrail
 *   bundle's second entry (`index.screen`) in a function of its own → local checks and ApplyGuardrail on
 *   the text → screened copy (PII redacted) under the training prefix, or a review message.
 *
 * The function's role reads only the quarantine prefix, writes only the training prefix (never deletes),
 * applies only this guardrail and sends only to the guardrail function's review queue.
 */
export class FeedbackScreening extends Construct {
  public readonly function: SecureFunction;
  public readonly queue: sqs.Queue;
  public readonly deadLetterQueue: sqs.Queue;
  public readonly rule: events.Rule;

  constructor(scope: Construct, id: string, props: FeedbackScreeningProps) {
    super(scope, id);
    const bucket = props.dataLake.bucket(DataZone.FEEDBACK);
    const gf = props.guardrailFunction;

    this.deadLetterQueue = new sqs.Queue(this, 'DeadLetterQueue', {
      encryption: sqs.QueueEncryption.KMS,
      encryptionMasterKey: props.encryptionKey,
      enforceSSL: true,
      retentionPeriod: Duration.days(14),
      removalPolicy: props.removalPolicy,
    });
    acknowledge(this.deadLetterQueue, Acknowledgements.deadLetterQueue);
    acknowledgeCrossStackReference(this.deadLetterQueue);
    this.queue = new sqs.Queue(this, 'Queue', {
      encryption: sqs.QueueEncryption.KMS,
      encryptionMasterKey: props.encryptionKey,
      enforceSSL: true,
      retentionPeriod: Duration.days(14),
      visibilityTimeout: Duration.minutes(6),
      deadLetterQueue: { queue: this.deadLetterQueue, maxReceiveCount: 10 },
      removalPolicy: props.removalPolicy,
    });
    acknowledgeCrossStackReference(this.queue);
    // EventBridge encrypts the messages it sends to the queue with the key (rules of this account only).
    allowServicesToPublish(props.encryptionKey, ['events.amazonaws.com']);
    this.rule = new events.Rule(this, 'QuarantinedRule', {
      description: `New feedback under ${props.quarantinePrefix} to screen before training reads it`,
      eventPattern: {
        source: ['aws.s3'],
        detailType: ['Object Created'],
        detail: { bucket: { name: [bucket.bucketName] }, object: { key: events.Match.prefix(props.quarantinePrefix) } },
      },
    });
    this.rule.addTarget(new targets.SqsQueue(this.queue));

    this.function = new SecureFunction(this, 'Function', {
      handlerName: 'guardrail',
      handler: 'index.screen',
      description: 'Screens quarantined feedback (local checks, Bedrock guardrail) and copies the screened records to the prefix training reads',
      encryptionKey: props.encryptionKey,
      environment: {
        FEEDBACK_BUCKET: bucket.bucketName,
        QUARANTINE_PREFIX: props.quarantinePrefix,
        TRAINING_PREFIX: props.trainingPrefix,
        GUARDRAIL_ID: gf.guardrail.guardrailId,
        GUARDRAIL_VERSION: gf.guardrail.guardrailVersion,
        REVIEW_QUEUE_URL: gf.reviewQueue.queueUrl,
        POWERTOOLS_SERVICE_NAME: 'feedback-screening',
      },
      timeout: Duration.minutes(1),
      memorySize: 512,
      reservedConcurrentExecutions: 2,
      logRetention: props.logRetention,
      removalPolicy: props.removalPolicy,
    });
    const role = this.function.role;
    props.dataLake.grantRead(role, DataZone.FEEDBACK, props.quarantinePrefix);
    props.dataLake.grantWrite(role, DataZone.FEEDBACK, props.trainingPrefix);
    gf.guardrail.grantApply(role);
    iam.Grant.addToPrincipal({ grantee: role, actions: [...REVIEW_QUEUE_ACTIONS], resourceArns: [gf.reviewQueue.queueArn] });
    grantKeyVia(gf.encryptionKey, role, ['sqs'], 'kms:GenerateDataKey', 'kms:Decrypt');
    this.function.function.addEventSource(new SqsEventSource(this.queue, { batchSize: 10, reportBatchItemFailures: true, maxConcurrency: 2 }));
    acknowledgeObjectWildcard(role, bucket.arnForObjects(`${props.quarantinePrefix}*`), 'the screening function reads the quarantined feedback records of this API', LAKE_READ_ACTIONS);
    acknowledgeObjectWildcard(role, bucket.arnForObjects(`${props.trainingPrefix}*`), 'the screening function writes the screened copy of each record under the prefix training reads', LAKE_WRITE_ACTIONS);
  }
}
