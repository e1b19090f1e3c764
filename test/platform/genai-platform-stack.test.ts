import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { GenAIPlatformStack, PlatformProfile } from '../../lib';
import { strictApp } from '../helpers/compliance';

describe('GenAIPlatformStack', () => {
  test.each([
    ['DEV', PlatformProfile.DEV, false],
    ['PROD', PlatformProfile.PROD, true],
  ])('%s: environment-agnostic, termination protection as the profile says, tagged, data retained', (_n, profile, protectedStack) => {
    const app = strictApp();
    const stack = new GenAIPlatformStack(app, 'P', { platform: { profile, costCenter: 'cc-42' } });
    expect(stack.terminationProtection).toBe(protectedStack);
    expect(stack.resolve(stack.account)).toEqual({ Ref: 'AWS::AccountId' });
    expect(stack.resolve(stack.region)).toEqual({ Ref: 'AWS::Region' });
    const template = Template.fromStack(stack);
    template.resourceCountIs('AWS::CloudTrail::Trail', 1);
    template.resourceCountIs('AWS::S3::Bucket', 7);
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

describe('bin/genai-platform.ts', () => {
  const cdkApp = join(__dirname, '..', '..', 'bin', 'genai-platform.ts');
  const run = (context: string[]) =>
    execFileSync(process.execPath, [require.resolve('ts-node/dist/bin.js'), '--transpile-only', cdkApp], {
      env: { ...process.env, CDK_CONTEXT_JSON: JSON.stringify(Object.fromEntries(context.map((c) => c.split('=')))), CDK_OUTDIR: require('node:fs').mkdtempSync(join(require('node:os').tmpdir(), 'bin-')) },
      encoding: 'utf8',
      stdio: 'pipe',
    });

  test('an unknown profile is a clear error', () => {
    expect(() => run(['profile=staging'])).toThrow(/Context "profile": got "staging"; allowed: dev, prod/);
  });
});
