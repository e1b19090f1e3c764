import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { createUserApp, UserApp } from './helpers/user-app';

/**
 * Issue 14 ("works in users' apps"), from the outside: a plain-JavaScript CDK app installs the packed
 * library and runs `cdk synth`. What used to fail only at deployment fails the synth with the construct
 * path, the prop, the value and what is allowed; names, imports and metrics work through the package's
 * entry point as aws-cdk-lib users expect.
 */
const HEADER = `const { App, Stack, Duration } = require('aws-cdk-lib');
const lib = require('genai-platform-constructs');
const app = new App();
`;

/** Two stacks of one app whose endpoints promote from the same model package group. */
const SHARED_GROUP = `${HEADER}
for (const id of ['Blue', 'Green']) {
  const stack = new Stack(app, id);
  new lib.InferenceEndpoint(stack, 'Endpoint', { dataLake: new lib.SecureDataLake(stack, 'Lake'), modelPackageGroupName: 'support-llm' });
}
`;

/** An instance size SageMaker does not have. */
const NO_SUCH_SIZE = `${HEADER}
const stack = new Stack(app, 'Serving');
new lib.InferenceEndpoint(stack, 'Endpoint', { dataLake: new lib.SecureDataLake(stack, 'Lake'), modelPackageGroupName: 'llm', instanceType: 'ml.g5.huge' });
`;

/** A burst below the rate. */
const BURST_BELOW_RATE = `${HEADER}
const lambda = require('aws-cdk-lib/aws-lambda');
const stack = new Stack(app, 'Api');
const generateFunction = lambda.Function.fromFunctionName(stack, 'Generate', 'generate');
new lib.GenAIApi(stack, 'Api', { dataLake: new lib.SecureDataLake(stack, 'Lake'), generateFunction, throttlingRateLimit: 200, throttlingBurstLimit: 100 });
`;

/** Physical names, imports of existing resources and alarms on their metrics. */
const NAMES_AND_IMPORTS = `${HEADER}
const iam = require('aws-cdk-lib/aws-iam');
const stack = new Stack(app, 'Serving', { env: { account: '111122223333', region: 'eu-west-1' } });
const dataLake = new lib.SecureDataLake(stack, 'Lake');
const endpoint = new lib.InferenceEndpoint(stack, 'Endpoint', {
  dataLake,
  modelPackageGroupName: 'team-llm',
  endpointName: 'acme-support-llm',
  instanceType: 'ml.g7e.2xlarge',
  allowUnlistedInstanceType: true,
});
endpoint.metricLatency().createAlarm(stack, 'LatencyAlarm', { threshold: 2000000, evaluationPeriods: 3 });

const pipeline = lib.TrainingPipeline.fromPipelineAttributes(stack, 'Pipeline', { pipelineName: 'team-llm-finetune', modelPackageGroupName: 'team-llm' });
pipeline.metricExecutionFailed().createAlarm(stack, 'TrainingFailedAlarm', { threshold: 1, evaluationPeriods: 1 });
const api = lib.GenAIApi.fromApiAttributes(stack, 'Api', { restApiId: 'a1b2c3d4e5', restApiName: 'acme-genai' });
api.metricServerError().createAlarm(stack, 'ApiErrorsAlarm', { threshold: 5, evaluationPeriods: 1 });
const trail = lib.AuditTrail.fromTrailArn(stack, 'Trail', 'arn:aws:cloudtrail:eu-west-1:111122223333:trail/org-trail');
trail.metricSecurityAlarm('RootAccountUsage').createAlarm(stack, 'RootAlarm', { threshold: 1, evaluationPeriods: 1 });
dataLake.metricBucketSizeBytes(lib.DataZone.CURATED).createAlarm(stack, 'CuratedSizeAlarm', { threshold: 1e12, evaluationPeriods: 1 });

const operator = new iam.Role(stack, 'Operator', { assumedBy: new iam.AccountRootPrincipal() });
pipeline.grantStartExecution(operator);
api.grantInvoke(operator);
`;

describe("issue 14 in a user's app (packed library, cdk synth)", () => {
  let app: UserApp;
  beforeAll(() => {
    app = createUserApp({ files: { 'app.js': SHARED_GROUP } });
  });
  afterAll(() => app?.remove());

  const synth = (source: string) => {
    app.write('app.js', source);
    return app.exec('cdk', ['synth', '--quiet']);
  };

  test.each([
    ['two endpoints promoting from one group, in two stacks', SHARED_GROUP, /Green\/Endpoint: invalid modelPackageGroupName: got "support-llm"; allowed: a model package group that no other InferenceEndpoint of this app promotes from in the same account and region: Blue\/Endpoint promotes from "support-llm" already/],
    ['an instance size that does not exist', NO_SUCH_SIZE, /Serving\/Endpoint: invalid instanceType: got "ml.g5.huge"; allowed: a size SageMaker offers for ml.g5 hosting \(endpoints\): ml.g5.xlarge, /],
    ['a burst below the rate', BURST_BELOW_RATE, /Api\/Api: invalid throttlingBurstLimit: got 100; allowed: at least throttlingRateLimit \(200\)/],
  ])('%s fails the synth with one clear message', (_name, source, message) => {
    const r = synth(source);
    expect(r.status).not.toBe(0);
    expect(r.stderr).toMatch(message);
    expect(r.stderr).not.toMatch(/CloudFormation Validate/);
  });

  test('physical names, imports and metric alarms synthesize as aws-cdk-lib users expect', () => {
    const r = synth(NAMES_AND_IMPORTS);
    expect(r.status === 0 ? '' : r.stderr).toBe('');
    const out = join(app.dir, 'cdk.out');
    const file = readdirSync(out).find((f) => f.startsWith('Serving') && f.endsWith('.template.json'))!;
    const resources = Object.values<any>(JSON.parse(readFileSync(join(out, file), 'utf8')).Resources);
    const alarms = resources.filter((r) => r.Type === 'AWS::CloudWatch::Alarm').map((r) => r.Properties);
    expect(alarms).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ Namespace: 'AWS/SageMaker', MetricName: 'ModelLatency', Statistic: 'Average', Dimensions: expect.arrayContaining([{ Name: 'EndpointName', Value: 'acme-support-llm' }]) }),
        expect.objectContaining({ Namespace: 'AWS/Sagemaker/ModelBuildingPipeline', MetricName: 'ExecutionFailed', Statistic: 'Sum', Dimensions: [{ Name: 'PipelineName', Value: 'team-llm-finetune' }] }),
        expect.objectContaining({ Namespace: 'AWS/ApiGateway', MetricName: '5XXError', Dimensions: [{ Name: 'ApiName', Value: 'acme-genai' }, { Name: 'Stage', Value: 'v1' }] }),
        expect.objectContaining({ Namespace: 'GenAIPlatform/AuditTrail', MetricName: 'RootAccountUsage' }),
        expect.objectContaining({ Namespace: 'AWS/S3', MetricName: 'BucketSizeBytes', Period: 86400 }),
      ]),
    );
    const statements = resources.filter((r) => r.Type === 'AWS::IAM::Policy').flatMap((r) => r.Properties.PolicyDocument.Statement);
    expect(statements).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ Action: 'sagemaker:StartPipelineExecution', Resource: 'arn:aws:sagemaker:eu-west-1:111122223333:pipeline/team-llm-finetune' }),
        expect.objectContaining({ Action: 'execute-api:Invoke' }),
      ]),
    );
  });
});
