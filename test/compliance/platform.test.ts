import { Stack } from 'aws-cdk-lib';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { platformProps } from '../../bin/platform-props';
import { GenAIPlatformStack, PlatformProfile } from '../../lib';
import { complianceFindings, strictApp } from '../helpers/compliance';

const MODEL = 'arn:aws:sagemaker:us-east-1:111122223333:model-package/genai-llm/3';

describe('compliance of the whole platform', () => {
  test.each([
    ['dev, as bin/ deploys it (first deploy: no model yet)', PlatformProfile.DEV, undefined],
    ['prod, as bin/ deploys it (first deploy: no model yet)', PlatformProfile.PROD, undefined],
    ['dev, serving a registry version', PlatformProfile.DEV, MODEL],
    ['prod, serving a registry version', PlatformProfile.PROD, MODEL],
  ])('%s: zero unacknowledged findings in every pack', (_name, profile, modelPackageArn) => {
    const app = strictApp();
    new GenAIPlatformStack(app, 'Platform', { platform: platformProps(profile, modelPackageArn) });
    expect(complianceFindings(app)).toEqual([]);
  });

  test('the smallest platform (data lake and audit trail only) has zero findings', () => {
    const app = strictApp();
    new GenAIPlatformStack(app, 'Platform', { platform: { profile: PlatformProfile.DEV } });
    expect(complianceFindings(app)).toEqual([]);
  });

  test('the harness reports findings (an unencrypted, unlogged bucket fails several packs)', () => {
    const app = strictApp();
    const stack = new Stack(app, 'Bad');
    new s3.Bucket(stack, 'Plain');
    const findings = complianceFindings(app);
    expect(findings).toEqual(
      expect.arrayContaining([
        'AwsSolutions AwsSolutions-S1 @ Bad/Plain/Resource',
        'NIST.800.53.R5 NIST.800.53.R5-S3DefaultEncryptionKMS @ Bad/Plain/Resource',
        'HIPAA.Security HIPAA.Security-S3BucketVersioningEnabled @ Bad/Plain/Resource',
        'cdk-validator-cfnguard s3_bucket_logging_enabled_check @ Bad/Plain/Resource',
      ]),
    );
  });

  test('strict CloudFormation schema validation rejects a bogus property', () => {
    const app = strictApp();
    const stack = new Stack(app, 'Bogus');
    const bucket = new s3.Bucket(stack, 'B');
    (bucket.node.defaultChild as s3.CfnBucket).addPropertyOverride('NotARealProperty', true);
    const findings = complianceFindings(app, { awsSolutions: false, nist80053R5: false, hipaaSecurity: false, controlTower: false });
    expect(findings.join('\n')).toMatch(/NotARealProperty|F3002/);
  });
});
