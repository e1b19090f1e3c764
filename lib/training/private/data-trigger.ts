import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { acknowledgeCrossStackReference } from '../../core/acknowledgements';
import { allowServicesToPublish } from '../../core/encryption';
import { SecureFunction } from '../../core/secure-function';
import { TRIGGER_PIPELINE_ACTIONS } from './actions';

/** Options of {@link RetrainDataTrigger}. */
export interface RetrainDataTriggerProps {
  readonly bucket: s3.IBucket;
  readonly prefix: string;
  readonly debounce: Duration;
  readonly pipelineName: string;
  readonly pipelineArn: string;
  readonly encryptionKey: kms.IKey;
  readonly removalPolicy?: RemovalPolicy;
}

/** The environment the retrain-trigger handler reads. */
export const TRIGGER_ENV = { pipelineName: 'PIPELINE_NAME', queueUrl: 'QUEUE_URL' } as const;

/**
 * Debounced retraining on new data:
 *
 *   S3 "Object Created" (EventBridge, bucket + prefix) → rule → encrypted SQS queue
 *   schedule rate(debounce) → retrain-trigger function: drains the queue and starts the pipeline once
 *   if any event is newer than the latest execution and no execution is running.
 *
 * So a bulk upload of thousands of objects starts one execution, after the window it landed in.
 */
export class RetrainDataTrigger extends Construct {
  public readonly queue: sqs.Queue;
  public readonly function: SecureFunction;
  public readonly objectCreatedRule: events.Rule;
  public readonly drainRule: events.Rule;

  constructor(scope: Construct, id: string, props: RetrainDataTriggerProps) {
    super(scope, id);
    const removalPolicy = props.removalPolicy ?? RemovalPolicy.RETAIN;

    this.function = new SecureFunction(this, 'Function', {
      handlerName: 'retrain-trigger',
      description: describe(`Starts the training pipeline ${props.pipelineName} at most once per debounce window when new data arrived`),
      encryptionKey: props.encryptionKey,
      timeout: Duration.minutes(1),
      memorySize: 256,
      reservedConcurrentExecutions: 1,
      removalPolicy,
    });

    this.queue = new sqs.Queue(this, 'Queue', {
      encryption: sqs.QueueEncryption.KMS,
      encryptionMasterKey: props.encryptionKey,
      enforceSSL: true,
      retentionPeriod: Duration.days(14),
      visibilityTimeout: Duration.minutes(2),
      removalPolicy,
      // Events that cannot be handled after 10 receives end in the function's dead-letter queue.
      deadLetterQueue: { queue: this.function.deadLetterQueue, maxReceiveCount: 10 },
    });
    acknowledgeCrossStackReference(this.queue);
    // EventBridge encrypts the messages it sends to the queue with the key.
    allowServicesToPublish(props.encryptionKey, ['cloudwatch.amazonaws.com', 'events.amazonaws.com']);

    this.objectCreatedRule = new events.Rule(this, 'ObjectCreatedRule', {
      description: `New objects under ${props.prefix} for the training pipeline ${props.pipelineName}`,
      eventPattern: {
        source: ['aws.s3'],
        detailType: ['Object Created'],
        detail: { bucket: { name: [props.bucket.bucketName] }, object: { key: events.Match.prefix(props.prefix) } },
      },
    });
    this.objectCreatedRule.addTarget(new targets.SqsQueue(this.queue));

    this.drainRule = new events.Rule(this, 'DrainSchedule', {
      description: `Checks for new training data every ${props.debounce.toHumanString()}`,
      schedule: events.Schedule.rate(props.debounce),
    });
    this.drainRule.addTarget(new targets.LambdaFunction(this.function.function, { retryAttempts: 2 }));

    const fn = this.function.function;
    fn.addEnvironment(TRIGGER_ENV.pipelineName, props.pipelineName);
    fn.addEnvironment(TRIGGER_ENV.queueUrl, this.queue.queueUrl);
    this.queue.grantConsumeMessages(this.function.role);
    this.function.role.addToPrincipalPolicy(new iam.PolicyStatement({ actions: TRIGGER_PIPELINE_ACTIONS, resources: [props.pipelineArn] }));
  }
}

/** A Lambda description (at most 256 characters): the long form, or without the pipeline name when it is too long. */
function describe(text: string): string {
  return text.length <= 256 ? text : 'Starts the training pipeline at most once per debounce window when new data arrived';
}
