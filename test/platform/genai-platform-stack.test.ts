import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import { Stack } from 'aws-cdk-lib';
import { InferenceEndpoint } from '../../lib/inference/inference-endpoint';
import { GenAIPlatform, GenAIPlatformProps } from '../../lib/platform/genai-platform';
import { GenAIPlatformStack } from '../../lib/platform/genai-platform-stack';
import { PlatformProfile } from '../../lib/platform/profile';
import { strictApp, validatingEnv } from '../helpers/compliance';
import { registryVersionOf } from '../helpers/platform-registry';

describe('GenAIPlatformStack', () => {
  test.each([
    ['DEV', PlatformProfile.DEV, false, 'GOVERNANCE'],
    ['PROD', PlatformProfile.PROD, true, 'COMPLIANCE'],
  ])('%s: environment-agnostic, termination protection as the profile says, tagged, data retained, audit lock mode', (_n, profile, protectedStack, lockMode) => {
    const app = strictApp();
    const stack = new GenAIPlatformStack(app, 'P', { platform: { profile, costCenter: 'cc-42' } });
    expect(stack.terminationProtection).toBe(protectedStack);
    expect(stack.resolve(stack.account)).toEqual({ Ref: 'AWS::AccountId' });
    expect(stack.resolve(stack.region)).toEqual({ Ref: 'AWS::Region' });
    const template = Template.fromStack(stack);
    template.resourceCountIs('AWS::CloudTrail::Trail', 1);
    template.resourceCountIs('AWS::S3::Bucket', 7);
    expect(profile.auditObjectLockMode).toBe(lockMode);
    const trailBucket = stack.resolve((stack.platform.auditTrail.bucket.node.defaultChild as any).logicalId);
    expect(template.toJSON().Resources[trailBucket].Properties.ObjectLockConfiguration.Rule.DefaultRetention).toEqual({ Mode: lockMode, Days: 365 });
    template.hasResourceProperties('AWS::S3::Bucket', {
      Tags: [
        { Key: 'cost-center', Value: 'cc-42' },
        { Key: 'profile', Value: profile.name },
        { Key: 'project', Value: 'genai-platform' },
      ],
    });
    const outputs = Object.keys(template.findOutputs('*'));
    expect(outputs).toEqual(expect.arrayContaining(['RawBucketName', 'CuratedBucketName', 'FeedbackBucketName', 'AuditTrailBucketName', 'AlarmTopicArn', 'DashboardUrl']));
    template.resourceCountIs('AWS::CloudWatch::Dashboard', 1);
    // the audit alarms notify the platform's one alarm topic
    template.hasResourceProperties('AWS::CloudWatch::Alarm', { AlarmActions: [{ Ref: Match.stringLikeRegexp('^PlatformAlarmTopic') }] });
    // nothing is destroyed with the stack in either profile
    for (const r of Object.values(template.toJSON().Resources) as any[]) {
      if (['AWS::S3::Bucket', 'AWS::KMS::Key', 'AWS::Logs::LogGroup'].includes(r.Type)) expect(r.DeletionPolicy).toBe('Retain');
    }
  });
});

// cdk.json runs the built app (npm test builds first).
const cdkApp = join(__dirname, '..', '..', 'dist', 'bin', 'genai-platform.js');
const run = (context: string[]) =>
  execFileSync(process.execPath, [cdkApp], {
    env: { ...validatingEnv(), CDK_CONTEXT_JSON: JSON.stringify(Object.fromEntries(context.map((c) => c.split('=')))), CDK_OUTDIR: require('node:fs').mkdtempSync(join(require('node:os').tmpdir(), 'bin-')) },
    encoding: 'utf8',
    stdio: 'pipe',
  });

describe('bin/genai-platform.ts', () => {
  test('an unknown profile is a clear error', () => {
    expect(() => run(['profile=staging'])).toThrow(/Context "profile": got "staging"; allowed: dev, prod/);
  });
});

describe('GenAIPlatform wiring (as bin/ deploys it)', () => {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { platformProps } = require('../../bin/platform-props');
  // a version of the registry the platform of stack P creates (the endpoint serves only its own group)
  const MODEL = registryVersionOf('P');

  // Each (profile, model) platform is built and synthesized once; the tests only read it.
  const synthesized = new Map<string, { stack: GenAIPlatformStack; template: Template }>();
  function synth(profile: PlatformProfile, model?: string) {
    const key = `${profile.name} ${model ?? ''}`;
    if (!synthesized.has(key)) {
      const stack = new GenAIPlatformStack(strictApp(), 'P', { platform: platformProps(profile, model) });
      synthesized.set(key, { stack, template: Template.fromStack(stack) });
    }
    return synthesized.get(key)!;
  }

  test('first deploy: a training pipeline and registry, an empty fleet at zero instances, no model yet (the promotion function creates the component)', () => {
    const { stack, template } = synth(PlatformProfile.DEV);
    template.resourceCountIs('AWS::SageMaker::Pipeline', 1);
    template.resourceCountIs('AWS::SageMaker::ModelPackageGroup', 1);
    template.resourceCountIs('AWS::SageMaker::Endpoint', 1);
    template.resourceCountIs('AWS::SageMaker::InferenceComponent', 0);
    template.resourceCountIs('AWS::SageMaker::Model', 0);
    template.hasResourceProperties('AWS::SageMaker::EndpointConfig', {
      ProductionVariants: [Match.objectLike({ ManagedInstanceScaling: { Status: 'ENABLED', MinInstanceCount: 0, MaxInstanceCount: 1 } })],
    });
    expect(stack.platform.inferenceEndpoint).toBeUndefined();
    expect(stack.platform.inferenceComponent?.resource).toBeUndefined();
    expect(stack.platform.endpoint).toBe(stack.platform.componentEndpoint);
    // the promotion rule watches the training pipeline's registry
    template.hasResourceProperties('AWS::Events::Rule', {
      EventPattern: Match.objectLike({
        source: ['aws.sagemaker'],
        'detail-type': ['SageMaker Model Package State Change'],
        detail: Match.objectLike({ ModelPackageGroupName: [stack.resolve(stack.platform.trainingPipeline!.modelPackageGroupName)] }),
      }),
    });
    const outputs = Object.keys(template.findOutputs('*'));
    expect(outputs).toEqual(expect.arrayContaining(['TrainingPipelineName', 'TrainingCodeLocation', 'EvaluationCodeLocation', 'ModelPackageGroupName', 'EndpointName', 'InferenceComponentName']));
    expect(template.findOutputs('InferenceComponentName').InferenceComponentName.Description).toMatch(/created on the first approved model version/);
  });

  test('the evaluation runs code from EvaluationCodeLocation (read only for the pipeline), never from the model archive', () => {
    const { stack, template } = synth(PlatformProfile.DEV);
    expect(stack.resolve(stack.platform.evaluationCodeLocation)).toEqual({ 'Fn::Join': ['', ['s3://', { Ref: expect.stringMatching(/ModelArtifactsBucket/) }, '/training-evaluation-code/']] });
    const body = JSON.stringify(Object.values(template.findResources('AWS::SageMaker::Pipeline'))[0]);
    expect(body).toContain('training-evaluation-code/');
    expect(body).toContain('/opt/ml/processing/code/evaluate.py');
    expect(body).not.toMatch(/tar -xzf|\/tmp\/model\/code/);
  });

  test('feedback from the API retrains: the data trigger watches the feedback prefix, the job reads it', () => {
    const { template } = synth(PlatformProfile.DEV);
    template.hasResourceProperties('AWS::Events::Rule', {
      EventPattern: Match.objectLike({
        'detail-type': ['Object Created'],
        detail: Match.objectLike({ object: { key: [{ prefix: 'api-feedback/' }] } }),
      }),
    });
  });

  test('DEV trains on one spot GPU; PROD trains on two on-demand GPUs and retrains weekly', () => {
    const definition = (t: Template) => JSON.parse(JSON.stringify(Object.values(t.findResources('AWS::SageMaker::Pipeline'))[0]));
    const dev = JSON.stringify(definition(synth(PlatformProfile.DEV).template));
    expect(dev).toMatch(/EnableManagedSpotTraining\\?"\s*:\s*true/);
    const prod = synth(PlatformProfile.PROD).template;
    expect(JSON.stringify(definition(prod))).not.toMatch(/EnableManagedSpotTraining\\?"\s*:\s*true/);
    prod.hasResourceProperties('AWS::Events::Rule', { ScheduleExpression: 'cron(0 2 ? * SUN *)' });
  });

  test('serving a registry version: DEV scales the component (and the fleet) to zero, PROD keeps two warm instances with canary rollouts', () => {
    const dev = synth(PlatformProfile.DEV, MODEL).template;
    dev.hasResourceProperties('AWS::SageMaker::Model', { PrimaryContainer: { ModelPackageName: MODEL }, EnableNetworkIsolation: true });
    dev.hasResourceProperties('AWS::SageMaker::InferenceComponent', { RuntimeConfig: { CopyCount: 1 }, Specification: Match.objectLike({ ComputeResourceRequirements: Match.objectLike({ NumberOfAcceleratorDevicesRequired: 1 }) }) });
    dev.hasResourceProperties('AWS::ApplicationAutoScaling::ScalableTarget', { ScalableDimension: 'sagemaker:inference-component:DesiredCopyCount', MinCapacity: 0, MaxCapacity: 1 });
    dev.hasResourceProperties('AWS::SageMaker::EndpointConfig', { ProductionVariants: [Match.objectLike({ ManagedInstanceScaling: { Status: 'ENABLED', MinInstanceCount: 0, MaxInstanceCount: 1 } })] });
    dev.resourcePropertiesCountIs('AWS::ApplicationAutoScaling::ScalingPolicy', { PolicyType: 'StepScaling' }, 1);
    dev.resourcePropertiesCountIs('AWS::CloudWatch::Alarm', { MetricName: 'NoCapacityInvocationFailures' }, 1);

    // PROD: warm instances, blue/green canary rollouts (which the promotion gate evaluates)
    const prod = synth(PlatformProfile.PROD, MODEL).template;
    prod.resourceCountIs('AWS::SageMaker::InferenceComponent', 0);
    prod.hasResourceProperties('AWS::ApplicationAutoScaling::ScalableTarget', { ScalableDimension: 'sagemaker:variant:DesiredInstanceCount', MinCapacity: 2, MaxCapacity: 4 });
    prod.hasResourceProperties('AWS::SageMaker::EndpointConfig', { ProductionVariants: [Match.objectLike({ InitialInstanceCount: 2 })] });
    prod.hasResourceProperties('AWS::SageMaker::Endpoint', {
      DeploymentConfig: Match.objectLike({
        BlueGreenUpdatePolicy: Match.objectLike({ TrafficRoutingConfiguration: Match.objectLike({ Type: 'CANARY', CanarySize: { Type: 'CAPACITY_PERCENT', Value: 10 } }) }),
      }),
    });
  });

  test('components on request in PROD (inference.inferenceComponents true): two warm copies, rolling updates with rollback, no gate', () => {
    const props = platformProps(PlatformProfile.PROD, MODEL);
    const prod = Template.fromStack(
      new GenAIPlatformStack(strictApp(), 'P', { platform: { ...props, inference: { ...props.inference, inferenceComponents: true }, evaluation: { promotionGate: false } } }),
    );
    prod.hasResourceProperties('AWS::SageMaker::InferenceComponent', { RuntimeConfig: { CopyCount: 2 } });
    prod.hasResourceProperties('AWS::ApplicationAutoScaling::ScalableTarget', { ScalableDimension: 'sagemaker:inference-component:DesiredCopyCount', MinCapacity: 2, MaxCapacity: 4 });
    prod.hasResourceProperties('AWS::SageMaker::EndpointConfig', { ProductionVariants: [Match.objectLike({ ManagedInstanceScaling: { Status: 'ENABLED', MinInstanceCount: 0, MaxInstanceCount: 4 } })] });
    prod.resourcePropertiesCountIs('AWS::ApplicationAutoScaling::ScalingPolicy', { PolicyType: 'StepScaling' }, 0);
    prod.hasResourceProperties('AWS::SageMaker::InferenceComponent', {
      DeploymentConfig: Match.objectLike({ AutoRollbackConfiguration: { Alarms: [Match.anyValue(), Match.anyValue()] } }),
    });
  });

  test('the classic endpoint on request (inference.inferenceComponents false): DEV one instance all at once, PROD at least two with a canary', () => {
    const classic = (profile: PlatformProfile) => {
      const props = platformProps(profile, MODEL);
      return Template.fromStack(new GenAIPlatformStack(strictApp(), 'P', { platform: { ...props, inference: { ...props.inference, inferenceComponents: false } } }));
    };
    const dev = classic(PlatformProfile.DEV);
    dev.resourceCountIs('AWS::SageMaker::InferenceComponent', 0);
    dev.resourceCountIs('AWS::SageMaker::Endpoint', 1);
    dev.hasResourceProperties('AWS::SageMaker::Model', { PrimaryContainer: { ModelPackageName: MODEL } });
    dev.hasResourceProperties('AWS::ApplicationAutoScaling::ScalableTarget', { MinCapacity: 1, MaxCapacity: 1 });
    dev.hasResourceProperties('AWS::SageMaker::Endpoint', {
      DeploymentConfig: Match.objectLike({ BlueGreenUpdatePolicy: Match.objectLike({ TrafficRoutingConfiguration: Match.objectLike({ Type: 'ALL_AT_ONCE' }) }) }),
    });
    const prod = classic(PlatformProfile.PROD);
    prod.hasResourceProperties('AWS::ApplicationAutoScaling::ScalableTarget', { MinCapacity: 2, MaxCapacity: 4 });
    prod.hasResourceProperties('AWS::SageMaker::EndpointConfig', { ProductionVariants: [Match.objectLike({ InitialInstanceCount: 2 })] });
    prod.hasResourceProperties('AWS::SageMaker::Endpoint', {
      DeploymentConfig: Match.objectLike({
        BlueGreenUpdatePolicy: Match.objectLike({ TrafficRoutingConfiguration: Match.objectLike({ Type: 'CANARY', CanarySize: { Type: 'CAPACITY_PERCENT', Value: 10 } }) }),
      }),
    });
  });

  test('PROD: a run cannot approve or lower the bar; versions are PendingManualApproval, always', () => {
    const { template } = synth(PlatformProfile.PROD);
    const body = JSON.stringify((Object.values(template.findResources('AWS::SageMaker::Pipeline'))[0] as any).Properties.PipelineDefinition);
    expect(body).toContain('\\"ModelApprovalStatus\\":\\"PendingManualApproval\\"');
    expect(body).not.toContain('Parameters.ModelApprovalStatus');
    expect(body).not.toContain('Parameters.QualityThreshold');
    expect(body).not.toMatch(/\\"Name\\":\\"(ModelApprovalStatus|QualityThreshold)\\"/);
  });

  test.each([
    ['first deploy (promotions only)', undefined],
    ['serving a registry version', MODEL],
  ])('%s: the endpoint pulls only the DLC repository the pipeline registers, in AWS\'s registry account', (_n, model) => {
    const { stack, template } = synth(PlatformProfile.PROD, model);
    const role = stack.resolve((stack.platform.inferenceEndpoint!.role.node.defaultChild as any).logicalId);
    const policies = Object.values(template.findResources('AWS::IAM::Policy')).filter((p: any) => p.Properties.Roles.some((r: any) => r.Ref === role)) as any[];
    const pulls = policies.flatMap((p) => p.Properties.PolicyDocument.Statement).filter((x: any) => [x.Action].flat().includes('ecr:BatchGetImage'));
    expect(pulls.map((x: any) => x.Resource)).toEqual([
      { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':ecr:', { Ref: 'AWS::Region' }, ':763104351884:repository/pytorch-training']] },
    ]);
  });

  test('a bad modelPackageArn in context is a clear error', () => {
    expect(() => run(['modelPackageArn=model-3'])).toThrow(/Context "modelPackageArn": got "model-3"; allowed: a model package version ARN/);
  });
});

describe('GenAIPlatform: where generation goes', () => {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { platformProps } = require('../../bin/platform-props');
  const envOf = (template: Template) =>
    (Object.values(template.findResources('AWS::Lambda::Function', { Properties: { Environment: { Variables: { MODEL_KIND: Match.anyValue() } } } }))[0] as any).Properties
      .Environment.Variables;

  test('first deploy with training: the platform component, answered by the Bedrock model until it exists', () => {
    const stack = new GenAIPlatformStack(strictApp(), 'P', { platform: platformProps(PlatformProfile.DEV) });
    const env = envOf(Template.fromStack(stack));
    expect(env).toEqual(
      expect.objectContaining({
        MODEL_KIND: 'sagemaker',
        ENDPOINT_NAME: stack.platform.endpoint!.endpointName,
        INFERENCE_COMPONENT_NAME: stack.platform.inferenceComponent!.inferenceComponentName,
        FALLBACK_MODEL_ID: 'amazon.nova-lite-v1:0',
      }),
    );
  });

  test('serving a registry version: DEV keeps the fallback (the component scales to zero), PROD with warm instances has none', () => {
    const dev = new GenAIPlatformStack(strictApp(), 'P', { platform: platformProps(PlatformProfile.DEV, registryVersionOf('P', 1)) });
    expect(envOf(Template.fromStack(dev)).FALLBACK_MODEL_ID).toBe('amazon.nova-lite-v1:0');
    const stack = new GenAIPlatformStack(strictApp(), 'P', { platform: platformProps(PlatformProfile.PROD, registryVersionOf('P', 1)) });
    const env = envOf(Template.fromStack(stack));
    expect(env.MODEL_KIND).toBe('sagemaker');
    expect(env.ENDPOINT_NAME).toBe(stack.platform.inferenceEndpoint!.endpointName);
    expect(env.INFERENCE_COMPONENT_NAME).toBeUndefined();
    expect(env.FALLBACK_MODEL_ID).toBeUndefined();
  });

  test('no training and no model: Bedrock only, with invocation logging into the lake', () => {
    const stack = new GenAIPlatformStack(strictApp(), 'P', { platform: { profile: PlatformProfile.custom({ name: 'lab', bedrockModelId: 'anthropic.claude-3-haiku-20240307-v1:0' }) } });
    const template = Template.fromStack(stack);
    expect(envOf(template)).toEqual(expect.objectContaining({ MODEL_KIND: 'bedrock', MODEL_ID: 'anthropic.claude-3-haiku-20240307-v1:0' }));
    template.resourceCountIs('AWS::SageMaker::Endpoint', 0);
    template.resourceCountIs('Custom::BedrockInvocationLogging', 1);
  });

  test('an existing endpoint replaces the platform one', () => {
    const stack = new Stack(strictApp(), 'Q');
    const platform = new GenAIPlatform(stack, 'Platform', {
      profile: PlatformProfile.DEV,
      endpoint: InferenceEndpoint.fromEndpointAttributes(stack, 'Existing', { endpointName: 'team-llm' }),
    });
    expect(platform.inferenceEndpoint).toBeUndefined();
    expect(envOf(Template.fromStack(stack))).toEqual(expect.objectContaining({ MODEL_KIND: 'sagemaker', ENDPOINT_NAME: 'team-llm' }));
  });

  test('the API: both routes, profile throttling, feedback into the prefix the training trigger watches', () => {
    const stack = new GenAIPlatformStack(strictApp(), 'P', { platform: platformProps(PlatformProfile.PROD) });
    const template = Template.fromStack(stack);
    expect(stack.platform.api.feedbackPrefix).toBe(GenAIPlatform.FEEDBACK_PREFIX);
    template.hasResourceProperties('AWS::ApiGateway::Stage', {
      StageName: 'v1',
      MethodSettings: Match.arrayWith([Match.objectLike({ ThrottlingRateLimit: 50, ThrottlingBurstLimit: 100 })]),
    });
    template.hasResourceProperties('AWS::Lambda::Function', { Environment: { Variables: Match.objectLike({ MODEL_KIND: 'sagemaker' }) }, ReservedConcurrentExecutions: 50 });
    expect(Object.keys(template.findOutputs('*'))).toEqual(expect.arrayContaining(['ApiUrl', 'ReviewQueueUrl']));
  });
});

describe('GenAIPlatform: synth errors instead of deploy-time failures', () => {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { platformProps } = require('../../bin/platform-props');
  const platformIn = (props: GenAIPlatformProps) => new GenAIPlatform(new Stack(strictApp(), 'P'), 'Platform', props);

  test.each<[string, GenAIPlatformProps, RegExp]>([
    ['an empty profile name', { profile: PlatformProfile.custom({ name: '' }) }, /^P\/Platform: invalid profile.name: got ""; allowed: a value for the "profile" tag of every resource: 1 to 256 letters, digits, spaces and _ . : \/ = \+ - @ \(the AWS tag rules\), not starting with "aws:"$/],
    ['a profile name with invalid characters', { profile: PlatformProfile.custom({ name: 'dev#2' }) }, /P\/Platform: invalid profile.name: got "dev#2"/],
    ['a cost center with invalid characters', { costCenter: 'cc;42' }, /^P\/Platform: invalid costCenter: got "cc;42"; allowed: a value for the "cost-center" tag of every resource/],
    ['an empty cost center', { costCenter: '' }, /invalid costCenter: got ""/],
    ['a cost center over 256 characters', { costCenter: 'c'.repeat(257) }, /invalid costCenter: got "c{257}"/],
    ['a cost center with the reserved prefix', { costCenter: 'AWS:billing' }, /invalid costCenter: got "AWS:billing"; .*not starting with "aws:"/],
    ['a profile burst below its rate', { profile: PlatformProfile.custom({ name: 'lab', apiRateLimit: 50, apiBurstLimit: 20 }) }, /^P\/Platform: invalid profile.apiBurstLimit: got 20; allowed: at least the profile's apiRateLimit \(50\): API Gateway rejects/],
    ['variants with inference components', { ...platformProps(PlatformProfile.DEV), inference: { variants: [{ variantName: 'a' }] } }, /^P\/Platform: invalid inference.variants: got "set"; allowed: only with inference.inferenceComponents: false/],
    ['drift monitoring with inference components', { ...platformProps(PlatformProfile.DEV), inference: { monitoring: { imageUri: 'x', baselineStatisticsKey: 's', baselineConstraintsKey: 'c' } } }, /invalid inference.monitoring: got "set"; allowed: only with inference.inferenceComponents: false/],
    ['copies on the classic endpoint', { ...platformProps(PlatformProfile.DEV), inference: { inferenceComponents: false, minCopies: 2 } }, /^P\/Platform: invalid inference.minCopies: got 2; allowed: only with inference components/],
    ['zero copies on a fleet that keeps instances', { ...platformProps(PlatformProfile.DEV), inference: { minCapacity: 1 } }, /P\/Platform\/Inference\/Llm: invalid minCopies: got 0; allowed: at least 1 on a real-time endpoint without managed scaling to zero/],
  ])('%s', (_name, props, message) => {
    expect(() => platformIn(props)).toThrow(message);
  });

  test('tag values with Unicode letters, spaces and the allowed punctuation are accepted', () => {
    const stack = new Stack(strictApp(), 'P');
    new GenAIPlatform(stack, 'Platform', { profile: PlatformProfile.custom({ name: 'Zürich lab' }), costCenter: 'CC-42/ops:ml_team+1@emea.example' });
    Template.fromStack(stack).hasResourceProperties('AWS::S3::Bucket', {
      Tags: Match.arrayWith([{ Key: 'cost-center', Value: 'CC-42/ops:ml_team+1@emea.example' }, { Key: 'profile', Value: 'Zürich lab' }]),
    });
  });

  test('serving a version of another group than the training pipeline\'s registry names inference.model', () => {
    const props = platformProps(PlatformProfile.DEV, 'arn:aws:sagemaker:us-east-1:111122223333:model-package/llm/1');
    expect(() => platformIn(props)).toThrow(
      /^P\/Platform: invalid inference.model: got "a version of \\"llm\\""; allowed: a version of the training pipeline's model package group "p-platform-training-[a-z0-9]+", which the endpoint promotes from \(name the group with training.modelPackageGroupName\), or no inference.model$/,
    );
  });

  test('names and the instance-table escape hatch reach the pipeline and the endpoint', () => {
    const base = platformProps(PlatformProfile.DEV, 'arn:aws:sagemaker:us-east-1:111122223333:model-package/acme-llm/4');
    const platform = platformIn({
      ...base,
      training: { ...base.training, pipelineName: 'acme-finetune', modelPackageGroupName: 'acme-llm', instanceType: 'ml.g7.2xlarge', allowUnlistedInstanceType: true },
      inference: { ...base.inference, endpointName: 'acme-llm', instanceType: 'ml.g7e.2xlarge', allowUnlistedInstanceType: true },
    });
    expect(platform.trainingPipeline!.pipelineName).toBe('acme-finetune');
    expect(platform.trainingPipeline!.modelPackageGroupName).toBe('acme-llm');
    expect(platform.componentEndpoint!.endpointName).toBe('acme-llm');
    expect(platform.inferenceComponent!.inferenceComponentName).toBe('acme-llm-llm');
    const stack = Stack.of(platform);
    const template = Template.fromStack(stack);
    template.hasResourceProperties('AWS::SageMaker::EndpointConfig', { ProductionVariants: [Match.objectLike({ InstanceType: 'ml.g7e.2xlarge' })] });
    const infos = Annotations.fromStack(stack).findInfo('*', Match.stringLikeRegexp('is not in this library.s instance tables'));
    expect(infos.map((i) => i.id).sort()).toEqual(['/P/Platform/Inference', '/P/Platform/Training']);
    // without the escape hatch the same types fail
    expect(() => platformIn({ ...base, training: { ...base.training, modelPackageGroupName: 'acme-llm', instanceType: 'ml.g7.2xlarge' } })).toThrow(/P\/Platform\/Training: invalid instanceType: got "ml.g7.2xlarge"/);
  });
});
