// A user's own app: existing resources plus single constructs from the library, imported through the
// package entry point exactly as a user would.
import { App, Duration, Stack } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as s3 from 'aws-cdk-lib/aws-s3';
import {
  AuditTrail,
  DeploymentStrategy,
  GenAIApi,
  Guardrail,
  GuardrailFunction,
  InferenceEndpoint,
  ModelSource,
  ModelTarget,
  SecureDataLake,
  applyCompliance,
} from 'genai-platform-constructs';

const app = new App();

// 1. Governance: a data lake encrypted with a key the security team already owns, and an audit trail.
const governance = new Stack(app, 'ExampleGovernance');
const existingKey = kms.Key.fromKeyArn(
  governance,
  'ExistingKey',
  governance.formatArn({ service: 'kms', resource: 'key', resourceName: '1234abcd-12ab-34cd-56ef-1234567890ab' }),
);
const lake = new SecureDataLake(governance, 'DataLake', { encryptionKey: existingKey });
new AuditTrail(governance, 'AuditTrail', { dataLake: lake, serverAccessLogsBucket: lake.accessLogBucket });

// 2. A Bedrock-only guardrail API: no SageMaker at all, writing to buckets of a lake that already exists
//    (imported by name, as from another team's account setup).
const chat = new Stack(app, 'ExampleBedrockChat');
const chatKey = kms.Key.fromKeyArn(chat, 'LakeKey', chat.formatArn({ service: 'kms', resource: 'key', resourceName: '1234abcd-12ab-34cd-56ef-1234567890ab' }));
const chatLake = SecureDataLake.fromDataLakeAttributes(chat, 'Lake', {
  encryptionKey: chatKey,
  inferenceCaptureBucket: s3.Bucket.fromBucketName(chat, 'Capture', 'acme-genai-inference-capture'),
  feedbackBucket: s3.Bucket.fromBucketName(chat, 'Feedback', 'acme-genai-feedback'),
});
const guardrail = new Guardrail(chat, 'Guardrail', {
  deniedTopics: [{ name: 'InvestmentAdvice', definition: 'Recommendations to buy or sell specific financial products.' }],
});
const generate = new GuardrailFunction(chat, 'Generate', {
  guardrail,
  dataLake: chatLake,
  modelTarget: ModelTarget.bedrock('amazon.nova-lite-v1:0'),
  invocationLogging: false, // the account's invocation logging is owned by the platform team
});
new GenAIApi(chat, 'Api', { generateFunction: generate.function, dataLake: chatLake });

// 3. An endpoint fed from a model registry the ML team already runs, in an existing VPC.
const serving = new Stack(app, 'ExampleServing');
const vpc = ec2.Vpc.fromVpcAttributes(serving, 'Vpc', {
  vpcId: 'vpc-0a1b2c3d4e5f67890',
  availabilityZones: ['us-east-1a', 'us-east-1b'],
  privateSubnetIds: ['subnet-0a1b2c3d4e5f67890', 'subnet-0f1e2d3c4b5a69870'],
});
const servingLake = SecureDataLake.fromDataLakeAttributes(serving, 'Lake', {
  encryptionKey: kms.Key.fromKeyArn(serving, 'LakeKey', serving.formatArn({ service: 'kms', resource: 'key', resourceName: '1234abcd-12ab-34cd-56ef-1234567890ab' })),
  modelArtifactsBucket: s3.Bucket.fromBucketName(serving, 'Artifacts', 'acme-genai-model-artifacts'),
  inferenceCaptureBucket: s3.Bucket.fromBucketName(serving, 'Capture', 'acme-genai-inference-capture'),
});
new InferenceEndpoint(serving, 'Llm', {
  dataLake: servingLake,
  model: ModelSource.fromModelPackage(serving.formatArn({ service: 'sagemaker', resource: 'model-package', resourceName: 'team-llm/4' })),
  modelPackageGroupName: 'team-llm', // every version approved later rolls out on its own
  instanceType: 'ml.g5.2xlarge',
  minCapacity: 2,
  maxCapacity: 4,
  deploymentStrategy: DeploymentStrategy.canary(10, Duration.minutes(10)),
  vpc,
});

applyCompliance(app);
