import { Duration, Fn, Stack } from 'aws-cdk-lib';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { GenAIApi } from '../../lib/api/gen-ai-api';
import { AuditTrail } from '../../lib/audit/audit-trail';
import { DataZone } from '../../lib/data-lake/data-zone';
import { SecureDataLake } from '../../lib/data-lake/secure-data-lake';
import { Guardrail } from '../../lib/guardrails/guardrail';
import { GuardrailFunction } from '../../lib/guardrails/guardrail-function';
import { ModelTarget } from '../../lib/guardrails/model-target';
import { InferenceEndpoint } from '../../lib/inference/inference-endpoint';
import { ModelSource } from '../../lib/inference/model-source';
import { TrainingImage, TrainingPipeline } from '../../lib/training/training-pipeline';
import { acknowledgeCrossStackReference } from '../../lib/core/acknowledgements';


const DLC = '763104351884.dkr.ecr.us-east-1.amazonaws.com/pytorch-training:2.3.0-gpu-py311-cu121-ubuntu20.04-sagemaker';
const MONITOR = '156813124566.dkr.ecr.us-east-1.amazonaws.com/sagemaker-model-monitor-analyzer:latest';

/**
 * Every construct that takes a lake, a key or a log bucket, built in stack `Serving` on the lake, key and
 * access-log bucket of stack `Shared` (nested in one construct, so the matrix attributes the findings of
 * both stacks to the configuration): each granular IAM5 id and each Control Tower key or log-bucket rule
 * sees a cross-stack reference.
 */
function crossStack(scope: Construct, name: string, group: string): void {
  const root = new Construct(scope, name);
  const shared = new Stack(root, 'Shared');
  const lake = new SecureDataLake(shared, 'Lake');
  const serving = new Stack(root, 'Serving');
  const key = lake.encryptionKey;
  const guardrail = new Guardrail(serving, 'Guardrail');
  const generate = new GuardrailFunction(serving, 'Generate', { guardrail, dataLake: lake, modelTarget: ModelTarget.bedrock('amazon.nova-lite-v1:0'), encryptionKey: key });
  new GenAIApi(serving, 'Api', { generateFunction: generate.function, dataLake: lake, encryptionKey: key });
  new AuditTrail(serving, 'Audit', { dataLake: lake, encryptionKey: key, serverAccessLogsBucket: lake.accessLogBucket });
  new TrainingPipeline(serving, 'Training', {
    dataLake: lake,
    encryptionKey: key,
    trainingImage: TrainingImage.fromImageUri(DLC),
    evaluationImage: TrainingImage.fromImageUri(DLC),
    qualityGate: { metricName: 'metrics.accuracy.value', threshold: 0.8 },
    dataTrigger: { zone: DataZone.FEEDBACK, prefix: 'feedback/', debounce: Duration.hours(6) },
    feedbackPrefix: 'feedback/',
  });
  new InferenceEndpoint(serving, 'Endpoint', {
    dataLake: lake,
    encryptionKey: key,
    model: ModelSource.fromModelPackage(serving.formatArn({ service: 'sagemaker', resource: 'model-package', resourceName: `${group}/3` })),
    modelPackageGroupName: group, // unique in the shared matrix's app (one per reference style)
    instanceType: 'ml.g5.2xlarge',
    minCapacity: 2,
    maxCapacity: 3,
    monitoring: { imageUri: MONITOR, baselineStatisticsKey: 'baselines/statistics.json', baselineConstraintsKey: 'baselines/constraints.json' },
  });
}

/** What registers configurations and reads their findings and templates: a matrix of its own or a section. */
interface Matrix {
  add<T>(name: string, build: (scope: Construct) => T): () => T;
  findings(name: string): string[];
  template(stackId: string): { toJSON(): any };
}

/**
 * Registers the cross-stack configurations in `matrix` (built with `@aws-cdk/core:defaultCrossStackReferences`
 * = `strength`) and declares their tests: both reference styles in the shared matrix of
 * test/compliance/all.test.ts (cross-stack.compliance.ts), each in a section of its own.
 */
export function crossStackCases(matrix: Matrix, strength: string, intrinsic: string): void {
  matrix.add('Xs', (scope) => crossStack(scope, 'Xs', `cross-stack-${strength}-llm`));

  // A function encrypted with a key that is an import, but not of a key of this app: the rule's finding stays.
  matrix.add('Foreign', (scope) => {
    const stack = new Stack(scope, 'Foreign');
    const lake = new SecureDataLake(stack, 'Lake');
    const key = kms.Key.fromKeyArn(stack, 'TeamKey', Fn.importValue('SecurityTeamKeyArn'));
    new GuardrailFunction(stack, 'Generate', {
      guardrail: new Guardrail(stack, 'Guardrail'),
      dataLake: lake,
      modelTarget: ModelTarget.bedrock('amazon.nova-lite-v1:0'),
      encryptionKey: key,
      invocationLogging: false,
    });
  });

  // The helper on raw queues: only an import of the Arn of an AWS::KMS::Key counts, as rendered.
  matrix.add('Raw', (scope) => {
    const root = new Construct(scope, 'Raw');
    const producer = new Stack(root, 'Producer');
    const key = new kms.Key(producer, 'Key', { enableKeyRotation: true });
    const bucket = new s3.Bucket(producer, 'Bucket');
    const consumer = new Stack(root, 'Consumer');
    const queue = (id: string, queueKey: kms.IKey) => {
      const q = new sqs.Queue(consumer, id, { encryption: sqs.QueueEncryption.KMS, encryptionMasterKey: queueKey });
      acknowledgeCrossStackReference(q);
      return q;
    };
    queue('KeyOfAnotherStack', key);
    queue('BucketArnAsKey', kms.Key.fromKeyArn(consumer, 'NotAKey', bucket.bucketArn));
    const overridden = queue('Overridden', key);
    (overridden.node.defaultChild as sqs.CfnQueue).addPropertyOverride('KmsMasterKeyId', Fn.importValue('SomethingElse'));
  });

  test(`${strength} references: every library construct on another stack's lake, key and log bucket: zero findings, and the references really are ${intrinsic}`, () => {
    expect(matrix.findings('Xs')).toEqual([]);
    const serving = JSON.stringify(matrix.template('Xs/Serving').toJSON());
    expect(serving).toContain(`"${intrinsic}"`);
    // The queues, log groups and trail of Serving are encrypted with Shared's key, through the import, or
    // with a key of Serving itself (keys the constructs create for one purpose, e.g. data capture).
    const resources = matrix.template('Xs/Serving').toJSON().Resources as Record<string, any>;
    const keyed = Object.values(resources).filter((r) => ['AWS::SQS::Queue', 'AWS::Logs::LogGroup', 'AWS::CloudTrail::Trail'].includes(r.Type));
    const viaImport = keyed.filter((r) => Object.keys(r.Properties.KmsMasterKeyId ?? r.Properties.KmsKeyId ?? r.Properties.KMSKeyId)[0] === intrinsic);
    expect(viaImport.length).toBeGreaterThan(8);
    for (const r of keyed.filter((k) => !viaImport.includes(k))) {
      const keyId = r.Properties.KmsMasterKeyId ?? r.Properties.KmsKeyId ?? r.Properties.KMSKeyId;
      const local = keyId['Fn::GetAtt']?.[0] ?? keyId.Ref;
      expect(resources[local]?.Type).toBe('AWS::KMS::Key');
    }
  });

  test(`${strength} references: a key imported from an export that is not a key of the app is still reported by the Control Tower rules`, () => {
    const ct = matrix.findings('Foreign').filter((f) => f.startsWith('cdk-validator-cfnguard'));
    expect(ct).toEqual([
      'cdk-validator-cfnguard cloudwatch_log_group_encrypted_check @ Foreign/Generate/Resource/LogGroup/Resource',
      'cdk-validator-cfnguard sqs_queue_encrypted_check @ Foreign/Generate/Resource/DeadLetterQueue/Resource',
      'cdk-validator-cfnguard sqs_queue_encrypted_check @ Foreign/Generate/ReviewDeadLetterQueue/Resource',
      'cdk-validator-cfnguard sqs_queue_encrypted_check @ Foreign/Generate/ReviewQueue/Resource',
    ]);
  });

  test(`${strength} references: acknowledgeCrossStackReference: a key of another stack yes; a bucket ARN as key, or an override, no`, () => {
    const encrypted = matrix.findings('Raw').filter((f) => f.includes('sqs_queue_encrypted_check'));
    expect(encrypted).toEqual([
      'cdk-validator-cfnguard sqs_queue_encrypted_check @ Raw/Consumer/BucketArnAsKey/Resource',
      'cdk-validator-cfnguard sqs_queue_encrypted_check @ Raw/Consumer/Overridden/Resource',
    ]);
  });
}
