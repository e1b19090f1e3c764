import { Construct } from 'constructs';
import { Stack } from 'aws-cdk-lib';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { platformProps } from '../../bin/platform-props';
import { GenAIPlatformStack } from '../../lib/platform/genai-platform-stack';
import { PlatformProfile } from '../../lib/platform/profile';
import { complianceFindings, sharedMatrix, strictApp } from '../helpers/compliance';
import { registryVersionOf } from '../helpers/platform-registry';


/**
 * The full compliance matrix of the platform: both profiles, with and without a served model, and the
 * smallest platform, each as its own stack of ONE app synthesized once with every pack (AwsSolutions,
 * NIST 800-53 R5, HIPAA Security, GenAIChecks, Control Tower and strict CloudFormation schema validation).
 */
const matrix = sharedMatrix().section('Platform');
const cases: [string, string, PlatformProfile, string | undefined][] = [
  ['DevFirst', 'dev, as bin/ deploys it (first deploy: no model yet)', PlatformProfile.DEV, undefined],
  ['ProdFirst', 'prod, as bin/ deploys it (first deploy: no model yet)', PlatformProfile.PROD, undefined],
  // a version of the registry the stack's own training pipeline creates (the endpoint promotes from it)
  ['DevModel', 'dev, serving a registry version', PlatformProfile.DEV, registryVersionOf('DevModel', 3, 'Platform')],
  ['ProdModel', 'prod, serving a registry version', PlatformProfile.PROD, registryVersionOf('ProdModel', 3, 'Platform')],
];
for (const [name, , profile, modelPackageArn] of cases) {
  matrix.add(name, (app: Construct) => new GenAIPlatformStack(app, name, { platform: platformProps(profile, modelPackageArn) }));
}
matrix.add('Smallest', (app: Construct) => new GenAIPlatformStack(app, 'Smallest', { platform: { profile: PlatformProfile.DEV } }));
// A configuration with findings, next to the clean ones: its findings must stay its own.
matrix.add('Dirty', (app: Construct) => new s3.Bucket(new Stack(app, 'Dirty'), 'Plain'));

describe('compliance of the whole platform', () => {
  test.each(cases)('%s: %s: zero unacknowledged findings in every pack', (name) => {
    expect(matrix.findings(name)).toEqual([]);
  });

  test('the smallest platform (data lake and audit trail only) has zero findings', () => {
    expect(matrix.findings('Smallest')).toEqual([]);
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

  test('the matrix attributes findings to their own configuration only (Dirty has findings, the platforms next to it none)', () => {
    expect(matrix.findings('Dirty')).toEqual(expect.arrayContaining(['AwsSolutions AwsSolutions-S1 @ Dirty/Plain/Resource']));
    expect(matrix.findings('Smallest')).toEqual([]);
    expect(sharedMatrix().findings('Platform/Dirty').every((f) => f.includes(' @ Platform/Dirty/'))).toBe(true);
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
