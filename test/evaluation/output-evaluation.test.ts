import { App, Duration, Stack } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import { SecureDataLake } from '../../lib/data-lake/secure-data-lake';
import { OutputEvaluation, OutputEvaluationProps } from '../../lib/evaluation/output-evaluation';
import { Guardrail } from '../../lib/guardrails/guardrail';
import { GuardrailFunction } from '../../lib/guardrails/guardrail-function';
import { ModelTarget } from '../../lib/guardrails/model-target';

function build(extra: Partial<OutputEvaluationProps> = {}, region = 'us-east-1') {
  const stack = new Stack(new App(), 'S', { env: { account: '123456789012', region } });
  const dataLake = new SecureDataLake(stack, 'Lake');
  const guardrail = new Guardrail(stack, 'Guardrail');
  const generate = new GuardrailFunction(stack, 'Generate', { guardrail, dataLake, modelTarget: ModelTarget.bedrock('amazon.nova-lite-v1:0') });
  const evaluation = new OutputEvaluation(stack, 'Evaluation', { guardrailFunction: generate, dataLake, ...extra });
  return { stack, dataLake, generate, evaluation };
}

function statementsOf(t: Template, rolePrefix: string): any[] {
  const policies = t.findResources('AWS::IAM::Policy', { Properties: { Roles: [{ Ref: Match.stringLikeRegexp(`^${rolePrefix}`) }] } });
  return Object.values(policies).flatMap((p: any) => p.Properties.PolicyDocument.Statement);
}
const actions = (s: any) => [s.Action].flat();

describe('OutputEvaluation', () => {
  const { stack, generate, evaluation, dataLake } = build();
  const t = Template.fromStack(stack);
  const traceKey = stack.resolve(generate.traceKey.keyArn);
  const purpose = { 'kms:EncryptionContext:purpose': 'genai-guardrail-trace', 'kms:EncryptionContext:bucket': stack.resolve(generate.traceBucket.bucketName) };

  test('the function: judge, sample size, trace and work locations, job role and key in its environment', () => {
    t.hasResourceProperties('AWS::Lambda::Function', {
      Timeout: 900,
      Environment: {
        Variables: Match.objectLike({
          JUDGE_MODEL_ID: 'amazon.nova-pro-v1:0',
          SAMPLE_SIZE: '100',
          LOOKBACK_DAYS: '7',
          TRACE_PREFIX: 'guardrail-traces/',
          TRACE_KEY_ARN: traceKey,
          WORK_PREFIX: 'output-evaluation/',
          JOB_ROLE_ARN: stack.resolve(evaluation.jobRole.roleArn),
          JOB_KEY_ARN: stack.resolve(dataLake.encryptionKey.keyArn),
          MAX_DISPARITY_RATE: '0.2',
        }),
      },
    });
  });

  test('the evaluation role decrypts traces only with the trace purpose context, and the trace key policy names it', () => {
    const statements = statementsOf(t, 'EvaluationRole');
    const onTraceKey = statements.filter((s) => JSON.stringify(s.Resource) === JSON.stringify(traceKey));
    expect(onTraceKey).toEqual([{ Effect: 'Allow', Action: 'kms:Decrypt', Resource: traceKey, Condition: { StringEquals: purpose } }]);
    const keys = Object.values(t.findResources('AWS::KMS::Key')) as any[];
    const traceKeyResource = keys.find((k) => JSON.stringify(k.Properties.KeyPolicy).includes('OutputEvaluationDecryptsTraces'));
    const statement = traceKeyResource.Properties.KeyPolicy.Statement.find((s: any) => s.Sid === 'OutputEvaluationDecryptsTraces');
    expect(statement).toEqual({
      Sid: 'OutputEvaluationDecryptsTraces',
      Effect: 'Allow',
      Principal: { AWS: stack.resolve(evaluation.role.roleArn) },
      Action: 'kms:Decrypt',
      Resource: '*',
      Condition: { StringEquals: purpose },
    });
    // no other principal may decrypt traces: the function itself only generates data keys
    expect(JSON.stringify(statementsOf(t, 'GenerateRole').filter((s) => actions(s).includes('kms:Decrypt') && JSON.stringify(s.Resource) === JSON.stringify(traceKey)))).toBe('[]');
  });

  test('traces are read under the trace prefix, never the red-team partition', () => {
    const statements = statementsOf(t, 'EvaluationRole');
    const deny = statements.find((s) => s.Effect === 'Deny');
    expect(deny.Action).toBe('s3:GetObject');
    expect(JSON.stringify(deny.Resource)).toContain('/guardrail-traces/red-team/*');
    const get = statements.filter((s) => s.Effect === 'Allow' && actions(s).includes('s3:GetObject'));
    expect(JSON.stringify(get)).toContain('/guardrail-traces/*');
  });

  test('least privilege for jobs: create and read evaluation jobs, pass only the job role to Bedrock, invoke only the guardrail', () => {
    const statements = statementsOf(t, 'EvaluationRole');
    expect(statements).toContainEqual({
      Effect: 'Allow',
      Action: ['bedrock:CreateEvaluationJob', 'bedrock:GetEvaluationJob'],
      Resource: { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':bedrock:us-east-1:123456789012:evaluation-job/*']] },
    });
    expect(statements).toContainEqual({ Effect: 'Allow', Action: 'iam:PassRole', Resource: stack.resolve(evaluation.jobRole.roleArn), Condition: { StringEquals: { 'iam:PassedToService': 'bedrock.amazonaws.com' } } });
    expect(statements).toContainEqual({ Effect: 'Allow', Action: 'lambda:InvokeFunction', Resource: stack.resolve(generate.function.functionArn) });
  });

  test('the job role: trusted by Bedrock evaluation jobs of this account, reads datasets, writes results, invokes the judge only', () => {
    t.hasResourceProperties('AWS::IAM::Role', {
      AssumeRolePolicyDocument: {
        Statement: [
          {
            Action: 'sts:AssumeRole',
            Effect: 'Allow',
            Principal: { Service: 'bedrock.amazonaws.com' },
            Condition: { StringEquals: { 'aws:SourceAccount': { Ref: 'AWS::AccountId' } }, ArnLike: { 'aws:SourceArn': Match.objectLike({ 'Fn::Join': ['', Match.arrayWith([':bedrock:us-east-1:123456789012:evaluation-job/*'])] }) } },
          },
        ],
      },
    });
    const statements = statementsOf(t, 'EvaluationJobRole');
    expect(statements).toContainEqual({ Effect: 'Allow', Action: 'bedrock:InvokeModel', Resource: { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':bedrock:us-east-1::foundation-model/amazon.nova-pro-v1:0']] } });
    const text = JSON.stringify(statements);
    expect(text).toContain('/output-evaluation/datasets/*');
    expect(text).toContain('/output-evaluation/results/*');
    expect(text).not.toContain('guardrail-traces');
    const put = statements.find((s) => actions(s).includes('s3:PutObject'));
    expect(JSON.stringify(put.Resource)).toContain('/output-evaluation/results/*');
  });

  test('schedules: weekly start and an hourly collector, with their own role', () => {
    t.hasResourceProperties('AWS::Scheduler::Schedule', { ScheduleExpression: 'cron(0 4 ? * MON *)', Target: Match.objectLike({ Input: JSON.stringify({ kind: 'start' }) }) });
    t.hasResourceProperties('AWS::Scheduler::Schedule', { ScheduleExpression: 'rate(1 hour)', Target: Match.objectLike({ Input: JSON.stringify({ kind: 'collect' }) }) });
  });

  test('alarms on the judge scores, the bias probes and failed jobs', () => {
    const alarms = Object.values(t.findResources('AWS::CloudWatch::Alarm')) as any[];
    const ours = alarms.filter((a) => a.Properties.Namespace === 'GenAI/Evaluation');
    const byMetric = (name: string, dim?: string) => ours.find((a) => a.Properties.MetricName === name && (!dim || a.Properties.Dimensions.some((d: any) => d.Value === dim)))?.Properties;
    expect(byMetric('Score', 'Correctness')).toEqual(expect.objectContaining({ Threshold: 0.7, ComparisonOperator: 'LessThanThreshold' }));
    expect(byMetric('Score', 'Faithfulness')).toEqual(expect.objectContaining({ Threshold: 0.7, ComparisonOperator: 'LessThanThreshold' }));
    expect(byMetric('Score', 'Harmfulness')).toEqual(expect.objectContaining({ Threshold: 0.1, ComparisonOperator: 'GreaterThanThreshold' }));
    expect(byMetric('Score', 'Refusal')).toEqual(expect.objectContaining({ Threshold: 0.3 }));
    expect(byMetric('BiasDisparityRate')).toEqual(expect.objectContaining({ Threshold: 20, ComparisonOperator: 'GreaterThanThreshold' }));
    expect(byMetric('EvaluationJobsFailed')).toEqual(expect.objectContaining({ Threshold: 1 }));
    expect(ours).toHaveLength(6);
  });

  test('props: judge, sample size, lookback, thresholds', () => {
    const b = build({ judgeModelId: 'anthropic.claude-3-5-haiku-20241022-v1:0', sampleSize: 250, lookback: Duration.days(2), minCorrectness: 0.8, maxBiasDisparityPercent: 10 });
    const tt = Template.fromStack(b.stack);
    tt.hasResourceProperties('AWS::Lambda::Function', { Environment: { Variables: Match.objectLike({ JUDGE_MODEL_ID: 'anthropic.claude-3-5-haiku-20241022-v1:0', SAMPLE_SIZE: '250', LOOKBACK_DAYS: '2', MAX_DISPARITY_RATE: '0.1' }) } });
    tt.hasResourceProperties('AWS::CloudWatch::Alarm', { MetricName: 'Score', Threshold: 0.8, Dimensions: Match.arrayWith([{ Name: 'Metric', Value: 'Correctness' }]) });
  });

  test('a region without Bedrock judge evaluations fails at synth; allowUnlistedRegion turns it into a warning', () => {
    expect(() => build({}, 'af-south-1')).toThrow(/region.*af-south-1.*a region with Bedrock judge evaluations/);
    const b = build({ allowUnlistedRegion: true }, 'af-south-1');
    Annotations.fromStack(b.stack).hasWarning('/S/Evaluation', Match.stringLikeRegexp('not known to be available in af-south-1'));
    expect(OutputEvaluation.isRegionSupported('eu-west-1')).toBe(true);
    expect(OutputEvaluation.isRegionSupported('af-south-1')).toBe(false);
  });

  test.each([
    [{ sampleSize: 0 }, /sampleSize.*from 1 to 960/],
    [{ sampleSize: 1000 }, /sampleSize.*from 1 to 960/],
    [{ judgeModelId: 'arn:aws:bedrock:x' }, /judgeModelId/],
    [{ lookback: Duration.hours(12) }, /lookback \(days\).*from 1 to 90/],
    [{ workPrefix: 'guardrail-traces/eval/' }, /workPrefix.*apart from the guardrail's trace prefix/],
    [{ workPrefix: 'eval' }, /workPrefix/],
    [{ minCorrectness: 2 }, /minCorrectness.*from 0 to 1/],
    [{ maxBiasDisparityPercent: -1 }, /maxBiasDisparityPercent/],
    [{ worstSamples: 101 }, /worstSamples/],
  ] as Array<[Partial<OutputEvaluationProps>, RegExp]>)('validation: %j', (extra, message) => {
    expect(() => build(extra)).toThrow(message);
  });
});

describe('OutputEvaluation in another stack than the guardrail function', () => {
  const app = new App();
  const env = { account: '123456789012', region: 'us-east-1' };
  const serving = new Stack(app, 'Serving', { env });
  const dataLake = new SecureDataLake(serving, 'Lake');
  const generate = new GuardrailFunction(serving, 'Generate', { guardrail: new Guardrail(serving, 'Guardrail'), dataLake, modelTarget: ModelTarget.bedrock('amazon.nova-lite-v1:0') });
  const evaluationStack = new Stack(app, 'Evaluation', { env });
  const evaluation = new OutputEvaluation(evaluationStack, 'Outputs', { guardrailFunction: generate, dataLake });
  const assembly = app.synth();
  const roleName = 'Evaluation-Outputs-CCA7664F';

  test('the role has a name, and the trace key names it by ARN: the function stack never depends on the evaluation stack', () => {
    const stacksBefore = (name: string) => assembly.getStackByName(name).dependencies.map((d) => d.id).filter((id) => !id.endsWith('.assets'));
    expect(stacksBefore('Serving')).toEqual([]);
    expect(stacksBefore('Evaluation')).toEqual(['Serving']);
    Template.fromStack(evaluationStack).hasResourceProperties('AWS::IAM::Role', { RoleName: roleName });
    expect(evaluationStack.resolve(evaluation.role.roleName).Ref).toMatch(/^OutputsRole[0-9A-F]{8}$/); // the function's own role, named
    Template.fromStack(serving).hasResourceProperties('AWS::KMS::Key', {
      KeyPolicy: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Sid: Match.stringLikeRegexp('^OutputEvaluationDecryptsTraces'),
            Effect: 'Allow',
            Action: 'kms:Decrypt',
            Principal: { AWS: { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':iam::123456789012:root']] } },
            Condition: {
              StringEquals: { 'kms:EncryptionContext:purpose': 'genai-guardrail-trace', 'kms:EncryptionContext:bucket': serving.resolve(generate.traceBucket.bucketName) },
              ArnEquals: { 'aws:PrincipalArn': { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, `:iam::123456789012:role/${roleName}`]] } },
            },
          }),
        ]),
      },
    });
  });

  test('in the same stack the key policy names the role itself, and the role keeps a generated name', () => {
    const { stack } = build();
    const t = Template.fromStack(stack);
    expect(Object.values(t.findResources('AWS::IAM::Role')).filter((r: any) => r.Properties.RoleName)).toEqual([]);
    const statements = Object.values(t.findResources('AWS::KMS::Key')).flatMap((k: any) => k.Properties.KeyPolicy.Statement);
    const decrypt = statements.find((st: any) => st.Sid === 'OutputEvaluationDecryptsTraces');
    expect(JSON.stringify(decrypt.Principal.AWS)).toMatch(/"Fn::GetAtt":\["EvaluationRole[0-9A-F]+","Arn"\]/);
  });
});
