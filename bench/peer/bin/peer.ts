// A peer app for `npm run bench` (synth comparison): what a team would build from a peer construct
// library and aws-cdk-lib alone. A SageMaker endpoint and a Bedrock guardrail from
// @cdklabs/generative-ai-cdk-constructs, a KMS-encrypted bucket and a CloudTrail trail from aws-cdk-lib,
// and cdk-nag's AwsSolutions pack. Installed into bench/.tmp/peer at bench time; never a dependency.
import { App, Duration, Stack, Validations } from 'aws-cdk-lib';
import * as cloudtrail from 'aws-cdk-lib/aws-cloudtrail';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { bedrock, sagemaker_deployment } from '@cdklabs/generative-ai-cdk-constructs';
import { AwsSolutionsChecks } from 'cdk-nag';

const app = new App();
const stack = new Stack(app, 'PeerGenAI');

const key = new kms.Key(stack, 'Key', { enableKeyRotation: true });
const logs = new s3.Bucket(stack, 'AccessLogs', {
  encryption: s3.BucketEncryption.S3_MANAGED,
  enforceSSL: true,
  blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
  versioned: true,
});
const data = new s3.Bucket(stack, 'Data', {
  encryption: s3.BucketEncryption.KMS,
  encryptionKey: key,
  bucketKeyEnabled: true,
  enforceSSL: true,
  blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
  versioned: true,
  serverAccessLogsBucket: logs,
  lifecycleRules: [{ noncurrentVersionExpiration: Duration.days(90) }],
});
const trail = new cloudtrail.Trail(stack, 'Trail', {
  encryptionKey: key,
  isMultiRegionTrail: true,
  enableFileValidation: true,
  sendToCloudWatchLogs: true,
});
trail.addS3EventSelector([{ bucket: data }]);

const endpoint = new sagemaker_deployment.HuggingFaceSageMakerEndpoint(stack, 'Llm', {
  modelId: 'mistralai/Mistral-7B-Instruct-v0.3',
  instanceType: sagemaker_deployment.SageMakerInstanceType.ML_G5_2XLARGE,
  container: sagemaker_deployment.DeepLearningContainerImage.HUGGINGFACE_PYTORCH_TGI_INFERENCE_2_7_0_TGI3_3_6_GPU_PY311_CU124_UBUNTU22_04,
  environment: { SM_NUM_GPUS: '1', MAX_INPUT_LENGTH: '4096', MAX_TOTAL_TOKENS: '8192' },
});
data.grantRead(endpoint);

new bedrock.Guardrail(stack, 'Guardrail', {
  name: 'peer-guardrail',
  kmsKey: key,
  contentFilters: [
    { type: bedrock.ContentFilterType.PROMPT_ATTACK, inputStrength: bedrock.ContentFilterStrength.HIGH, outputStrength: bedrock.ContentFilterStrength.NONE },
    { type: bedrock.ContentFilterType.HATE, inputStrength: bedrock.ContentFilterStrength.HIGH, outputStrength: bedrock.ContentFilterStrength.HIGH },
  ],
  piiFilters: [{ type: bedrock.PIIType.General.EMAIL, action: bedrock.GuardrailAction.ANONYMIZE }],
});

// What a team would acknowledge after review (the bench only needs a clean synth to compare CPU time).
Validations.of(stack).acknowledge(
  ...[
    'AwsSolutions-S1',
    'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/AmazonSageMakerFullAccess]',
    'AwsSolutions-IAM5[Action::s3:GetBucket*]',
    'AwsSolutions-IAM5[Action::s3:GetObject*]',
    'AwsSolutions-IAM5[Action::s3:List*]',
    'AwsSolutions-IAM5[Resource::*]',
    'AwsSolutions-IAM5[Resource::<Data666C94C7.Arn>/*]',
  ].map((id) => ({ id, reason: 'Reviewed for the benchmark peer app.' })),
);
Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
