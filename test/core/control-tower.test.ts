import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { App, PolicyValidationPluginReportBeta1 } from 'aws-cdk-lib';
import { CfnGuardValidator } from '@cdklabs/cdk-validator-cfnguard';
import { platformProps } from '../../bin/platform-props';
import { GenAIPlatformStack } from '../../lib/platform/genai-platform-stack';
import { PlatformProfile } from '../../lib/platform/profile';
import { controlTowerRulesDir, ControlTowerValidator, planGuardRuns, readGuardRules, templateView } from '../../lib/core/private/control-tower';
import { STRICT_CONTEXT } from '../helpers/compliance';

const rules = readGuardRules(controlTowerRulesDir());
const dir = mkdtempSync(join(tmpdir(), 'control-tower-'));

function writeTemplate(name: string, resources: Record<string, unknown>): string {
  const path = join(dir, name);
  writeFileSync(path, JSON.stringify({ Resources: resources }));
  return path;
}

/** Every finding of a report as `rule template logical-id locations`, sorted. */
function findings(report: PolicyValidationPluginReportBeta1): string[] {
  return report.violations
    .flatMap((v) => v.violatingResources.map((r) => `${v.ruleName} ${r.templatePath} ${r.resourceLogicalId} ${[...r.locations].sort().join(',')}`))
    .sort();
}

const context = (templatePaths: string[]) => ({ templatePaths }) as any;

describe('Control Tower rules: which rule runs against which template', () => {
  test('every rule file of the package is read, with the resource types it names', () => {
    expect(rules.length).toBeGreaterThan(200);
    const s3Logging = rules.find((r) => r.path.endsWith('ct-s3-pr-2.guard'))!;
    expect([...s3Logging.types]).toEqual(['aws::s3::bucket']);
    // a rule that looks up another resource names its type too (log group -> KMS key)
    const logGroupKey = rules.find((r) => r.path.endsWith('ct-cloudwatch-pr-3.guard'))!;
    expect([...logGroupKey.types].sort()).toEqual(['aws::kms::key', 'aws::logs::loggroup']);
  });

  test('a rule runs only where its types are, on a view with only those types; rules reading the same views share a run', () => {
    const a = { path: 'a.guard', types: new Set(['aws::s3::bucket']) };
    const b = { path: 'b.guard', types: new Set(['aws::sqs::queue']) };
    const any = { path: 'any.guard', types: new Set<string>() };
    const runs = planGuardRuns([a, b, any], new Map([
      ['t1', new Set(['aws::s3::bucket'])],
      ['t2', new Set(['aws::s3::bucket', 'aws::iam::role'])],
      ['t3', new Set(['aws::sqs::queue'])],
    ]));
    expect(runs).toEqual([
      { rules: ['a.guard'], views: [{ template: 't1', types: ['aws::s3::bucket'] }, { template: 't2', types: ['aws::s3::bucket'] }] },
      { rules: ['any.guard'], views: [{ template: 't1' }, { template: 't2' }, { template: 't3' }] },
      { rules: ['b.guard'], views: [{ template: 't3', types: ['aws::sqs::queue'] }] },
    ]);
  });

  test('a rule that looks up a second type reads both, and only the types the template has', () => {
    const logGroupKey = rules.find((r) => r.path.endsWith('ct-cloudwatch-pr-3.guard'))!;
    expect(planGuardRuns([logGroupKey], new Map([['t', new Set(['aws::logs::loggroup', 'aws::kms::key', 'aws::s3::bucket'])]]))).toEqual([
      { rules: [logGroupKey.path], views: [{ template: 't', types: ['aws::kms::key', 'aws::logs::loggroup'] }] },
    ]);
  });

  test('a template with no governed type runs no guard process', () => {
    const a = { path: 'a.guard', types: new Set(['aws::s3::bucket']) };
    expect(planGuardRuns([a], new Map([['t', new Set(['aws::sns::topic'])]]))).toEqual([]);
  });

  test('a view keeps the resources of its types, the resources they reference reduced to their type, and the sections rules read', () => {
    const template = {
      AWSTemplateFormatVersion: '2010-09-09',
      Description: 'd',
      Parameters: { P: { Type: 'String' } },
      Outputs: { O: { Value: { Ref: 'Group' } } },
      Resources: {
        Group: { Type: 'AWS::Logs::LogGroup', Properties: { KmsKeyId: { 'Fn::GetAtt': ['Key', 'Arn'] } }, DependsOn: ['Waited'] },
        Key: { Type: 'AWS::KMS::Key', Properties: { EnableKeyRotation: true } },
        Waited: { Type: 'AWS::SQS::Queue', Properties: { QueueName: 'q' } },
        Named: { Type: 'AWS::SNS::Topic', Properties: { TopicName: { 'Fn::Sub': '${Other.QueueName}-x' } } },
        Other: { Type: 'AWS::SQS::Queue', Properties: {} },
        Unrelated: { Type: 'AWS::S3::Bucket', Properties: {} },
      },
    };
    expect(templateView(template, { template: 't', types: ['aws::logs::loggroup'] })).toEqual({
      AWSTemplateFormatVersion: '2010-09-09',
      Resources: { Group: template.Resources.Group, Key: { Type: 'AWS::KMS::Key' }, Waited: { Type: 'AWS::SQS::Queue' } },
    });
    // a Fn::Sub string names its references too; a rule that names a section keeps them all
    const view = templateView(template, { template: 't', types: ['aws::sns::topic'], sections: true });
    expect(view.Resources).toEqual({ Named: template.Resources.Named, Other: { Type: 'AWS::SQS::Queue' } });
    expect(view.Parameters).toEqual(template.Parameters);
    const sectionRules = rules.filter((r) => r.readsSections).map((r) => r.path.split('/').pop());
    expect(sectionRules).toContain('ct-redshift-pr-9.guard');
    expect(sectionRules.length).toBeLessThan(20);
  });

  test('type names are compared without case (a rule header writes AutoscalingGroup)', () => {
    const rule = rules.find((r) => r.path.endsWith('ct-autoscaling-pr-6.guard'))!;
    const template = new Map([['t', new Set(['AWS::AutoScaling::AutoScalingGroup'.toLowerCase()])]]);
    expect(planGuardRuns([rule], template)).toEqual([{ rules: [rule.path], views: [{ template: 't', types: ['aws::autoscaling::autoscalinggroup'] }] }]);
  });
});

describe('Control Tower rules: the filtered run reports exactly what the full run reports', () => {
  // One resource of every type any rule names, with no properties: most rules fail on it.
  const everyType = [...new Set(rules.flatMap((r) => [...r.types]))];
  const canonical = new Map<string, string>();
  for (const r of rules) {
    for (const m of require('node:fs').readFileSync(r.path, 'utf8').match(/AWS::[A-Za-z0-9]+::[A-Za-z0-9]+/g) ?? []) canonical.set(m.toLowerCase(), m);
  }
  const tripAll = writeTemplate('trip-all.template.json', {
    ...Object.fromEntries(everyType.map((t, i) => [`R${i}`, { Type: canonical.get(t), Properties: {} }])),
    // rules that pass an empty resource need a specific mistake
    Certificate: { Type: 'AWS::CertificateManager::Certificate', Properties: { CertificateAuthorityArn: 'arn:aws:acm-pca:us-east-1:111122223333:certificate-authority/x' } },
    ServiceWildcard: {
      Type: 'AWS::IAM::Policy',
      Properties: { PolicyName: 'p', Roles: ['r'], PolicyDocument: { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 's3:*', Resource: '*' }] } },
    },
    Broker: { Type: 'AWS::AmazonMQ::Broker', Properties: { EngineType: 'ACTIVEMQ', DeploymentMode: 'SINGLE_INSTANCE' } },
    Kafka: { Type: 'AWS::MSK::Cluster', Properties: { EncryptionInfo: { EncryptionInTransit: { InCluster: false } } } },
  });

  // The platform as bin/ deploys it (PROD holds the same resource types).
  const app = new App({ outdir: join(dir, 'platform'), context: STRICT_CONTEXT });
  new GenAIPlatformStack(app, 'Dev', { platform: platformProps(PlatformProfile.DEV) });
  const assembly = app.synth();
  const platform = assembly.stacks.map((s) => join(assembly.directory, s.templateFile));
  // A template with only a few services, so that filtering differs per template.
  const small = writeTemplate('small.template.json', { Bucket: { Type: 'AWS::S3::Bucket', Properties: {} }, Queue: { Type: 'AWS::SQS::Queue', Properties: {} } });
  // References to resources of a type the rule does not name (reduced to their type in its view) and to the
  // right type: the look-ups of the rules must judge them alike. (References to parameters or to missing
  // resources crash the validator itself, filtered or not: cdk-validator-cfnguard cannot read those results.)
  const references = writeTemplate('references.template.json', {
    Topic: { Type: 'AWS::SNS::Topic', Properties: {} },
    Key: { Type: 'AWS::KMS::Key', Properties: { EnableKeyRotation: true } },
    WrongType: { Type: 'AWS::Logs::LogGroup', Properties: { KmsKeyId: { 'Fn::GetAtt': ['Topic', 'Arn'] } } },
    Right: { Type: 'AWS::Logs::LogGroup', Properties: { KmsKeyId: { 'Fn::GetAtt': ['Key', 'Arn'] } } },
    QueueWrong: { Type: 'AWS::SQS::Queue', Properties: { KmsMasterKeyId: { Ref: 'Topic' } } },
    QueueRight: { Type: 'AWS::SQS::Queue', Properties: { KmsMasterKeyId: { Ref: 'Key' } } },
    FunctionWrong: { Type: 'AWS::Lambda::Function', Properties: { Role: 'r', Code: { ZipFile: 'x' }, VpcConfig: { SubnetIds: [{ Ref: 'Topic' }], SecurityGroupIds: [{ Ref: 'Topic' }] } } },
  });

  // Copies of two templates under other names: identical views are evaluated once in a run, and their
  // findings must still be reported for every template that has them.
  const copies = [small, references].map((t) => {
    const copy = t.replace('.template.json', '-copy.template.json');
    writeFileSync(copy, require('node:fs').readFileSync(t, 'utf8'));
    return copy;
  });

  const templates = [tripAll, ...platform, small, references, ...copies];
  const full = new CfnGuardValidator({ controlTowerRulesEnabled: true, maxBuffer: 256 * 1024 * 1024 }).validate(context(templates));
  const filtered = new ControlTowerValidator({ maxBuffer: 256 * 1024 * 1024 }).validate(context(templates));

  test('the trip-all template fails rules of every rule folder (so the comparison can fail)', () => {
    const folders = new Set(rules.map((r) => r.path.split('/').slice(-2)[0]));
    const failedRules = new Set(full.violations.filter((v) => v.violatingResources.some((r) => r.templatePath === tripAll)).map((v) => v.ruleName));
    const failedFolders = new Set(rules.filter((r) => declaredRules(r.path).some((n) => failedRules.has(n))).map((r) => r.path.split('/').slice(-2)[0]));
    expect([...folders].filter((f) => !failedFolders.has(f))).toEqual([]);
    // and most rules overall (some only fail on a specific combination of properties)
    expect(failedRules.size).toBeGreaterThanOrEqual(140);
  });

  test('same findings, template by template, resource by resource, location by location', () => {
    expect(findings(filtered)).toEqual(findings(full));
    expect(filtered.success).toBe(full.success);
  });

  test('a template identical to another gets the same findings (identical views are evaluated once, reported for each)', () => {
    for (const [original, copy] of [[small, copies[0]], [references, copies[1]]]) {
      const of = (t: string) => findings(filtered).filter((f) => f.includes(` ${t} `)).map((f) => f.replace(t, 'T'));
      expect(of(original).length).toBeGreaterThan(0);
      expect(of(copy)).toEqual(of(original));
    }
  });

  test('references to resources of other types are findings in both runs (so a view cannot hide one)', () => {
    const onReferences = findings(full).filter((f) => f.includes(references));
    expect(onReferences.some((f) => / WrongType /.test(f))).toBe(true);
    expect(onReferences.some((f) => / QueueWrong /.test(f))).toBe(true);
    expect(onReferences.some((f) => / Right /.test(f))).toBe(false);
  });

  test('the platform itself has findings in the unacknowledged raw run (its acknowledgements are applied by CDK later)', () => {
    expect(findings(full).some((f) => platform.some((p) => f.includes(p)))).toBe(true);
  });
});

/** The rule names (`s3_bucket_logging_enabled_check`) a guard file declares. */
function declaredRules(path: string): string[] {
  const text = require('node:fs').readFileSync(path, 'utf8') as string;
  return [...text.matchAll(/^rule\s+([A-Za-z0-9_]+)/gm)].map((m) => m[1]);
}
