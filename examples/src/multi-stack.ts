// A user's app split into stacks that share the library's resources, the way `cdk init` apps grow:
//   ExampleData     the data lake and the audit trail that records its data events
//   ExampleTraining a training pipeline and an inference endpoint on ExampleData's lake (cross-stack references)
//   ExamplePlatform the whole platform with a profile of the user's own
//   ExampleImports  a guardrail API on resources that exist already, imported by name and ARN
//   ExampleEvaluation red-teaming and output evaluation of ExampleImports' guardrail function
// It synthesizes with every compliance pack and zero findings, with weak references (the default,
// Fn::GetStackOutput) and strong ones (-c @aws-cdk/core:defaultCrossStackReferences=strong, Fn::ImportValue).
import { App, Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as events from 'aws-cdk-lib/aws-events';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as s3 from 'aws-cdk-lib/aws-s3';
import {
  AuditTrail,
  Compliance,
  DataZone,
  DeploymentStrategy,
  GenAIApi,
  GenAIPlatform,
  Guardrail,
  GuardrailFunction,
  InferenceEndpoint,
  ModelSource,
  ModelTarget,
  OutputEvaluation,
  PlatformProfile,
  RedTeam,
  SecureDataLake,
  TrainingImage,
  TrainingPipeline,
} from 'genai-platform-constructs';

const app = new App();
const PYTORCH = '763104351884.dkr.ecr.us-east-1.amazonaws.com/pytorch-training:2.3.0-gpu-py311-cu121-ubuntu20.04-sagemaker';
const TGI = '763104351884.dkr.ecr.us-east-1.amazonaws.com/huggingface-pytorch-tgi-inference:2.4.0-tgi2.4.0-gpu-py311-cu124-ubuntu22.04';

// A: the data lake and its audit trail.
const data = new Stack(app, 'ExampleData');
const lake = new SecureDataLake(data, 'Lake');
new AuditTrail(data, 'AuditTrail', { dataLake: lake, serverAccessLogsBucket: lake.accessLogBucket });

// B: training and serving on A's lake. Every bucket, the key and the model artifacts are references to A.
const training = new Stack(app, 'ExampleTraining');
const pipeline = new TrainingPipeline(training, 'FineTune', {
  dataLake: lake,
  trainingImage: TrainingImage.fromImageUri(PYTORCH),
  evaluationImage: TrainingImage.fromImageUri(PYTORCH),
  qualityGate: { metricName: 'metrics.accuracy.value', threshold: 0.8 },
  retrainSchedule: events.Schedule.rate(Duration.days(7)),
  // New feedback in A's lake starts at most one retraining per 6 hours (an encrypted queue in B).
  dataTrigger: { zone: DataZone.FEEDBACK, prefix: 'feedback/', debounce: Duration.hours(6) },
  feedbackPrefix: 'feedback/',
});
new InferenceEndpoint(training, 'Llm', {
  dataLake: lake,
  model: ModelSource.fromImageUri(TGI, { modelDataKey: 'models/llm/model.tar.gz' }),
  modelPackageGroupName: pipeline.modelPackageGroupName, // approved versions then roll out on their own
  instanceType: 'ml.g5.2xlarge',
  minCapacity: 2,
  maxCapacity: 4,
  deploymentStrategy: DeploymentStrategy.canary(10, Duration.minutes(10)),
});

// C: the whole platform with a profile of the user's own.
const staging = PlatformProfile.custom({
  name: 'staging',
  removalPolicy: RemovalPolicy.RETAIN,
  logRetention: logs.RetentionDays.TWO_YEARS, // Control Tower wants at least one year
  inferenceInstanceType: 'ml.g5.xlarge',
  inferenceMinCapacity: 2,
  inferenceMaxCapacity: 3,
  bedrockModelId: 'amazon.nova-lite-v1:0',
});
const platform = new Stack(app, 'ExamplePlatform');
new GenAIPlatform(platform, 'Platform', { profile: staging, costCenter: 'genai-staging' });

// D: a guardrail API on resources that exist already, imported by name and ARN.
const imports = new Stack(app, 'ExampleImports');
const keyArn = imports.formatArn({ service: 'kms', resource: 'key', resourceName: '1234abcd-12ab-34cd-56ef-1234567890ab' });
const existingLake = SecureDataLake.fromAttributes(imports, 'Lake', {
  encryptionKey: kms.Key.fromKeyArn(imports, 'LakeKey', keyArn),
  inferenceCaptureBucket: s3.Bucket.fromBucketName(imports, 'Capture', 'acme-genai-inference-capture'),
  feedbackBucket: s3.Bucket.fromBucketName(imports, 'Feedback', 'acme-genai-feedback'),
});
const existingGuardrail = Guardrail.fromGuardrailAttributes(imports, 'Guardrail', {
  guardrailArn: imports.formatArn({ service: 'bedrock', resource: 'guardrail', resourceName: 'a1b2c3d4e5f6' }),
  guardrailVersion: '3',
});
const existingEndpoint = InferenceEndpoint.fromEndpointAttributes(imports, 'Endpoint', { endpointName: 'team-llm' });
const generate = new GuardrailFunction(imports, 'Generate', {
  guardrail: existingGuardrail,
  dataLake: existingLake,
  modelTarget: ModelTarget.sagemakerEndpoint(existingEndpoint),
});
new GenAIApi(imports, 'Api', { generateFunction: generate.function, dataLake: existingLake });

// E: continuous evaluation of D's function in a stack of its own. D's trace key names the evaluation role
// by its ARN (a named role), so D does not depend on E while E depends on D.
const evaluation = new Stack(app, 'ExampleEvaluation');
new RedTeam(evaluation, 'RedTeam', { guardrailFunction: generate, dataLake: existingLake, maxModelCalls: 100 });
new OutputEvaluation(evaluation, 'Outputs', { guardrailFunction: generate, dataLake: existingLake, sampleSize: 50 });

Compliance.apply(app);
