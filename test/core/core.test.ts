import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { App, Duration, Stack, Stage, Validations } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { Acknowledgements } from '../../lib/core/acknowledgements';
import { applyCompliance } from '../../lib/core/compliance';
import { GenAIErrors } from '../../lib/core/errors';
import { SecureDataLake } from '../../lib/data-lake/secure-data-lake';
import { createEncryptedLogGroup, createKey } from '../../lib/core/encryption';
import { GenAIValidationError, validateOneOf, validatePattern, validateRange } from '../../lib/core/errors';
import { SecureFunction } from '../../lib/core/secure-function';
import { complianceFindings, schemaFindings, strictApp } from '../helpers/compliance';

describe('validation helpers', () => {
  const scope = new Construct(new Stack(new App(), 'S'), 'Thing');

  test('the message names path, property, value and what is allowed', () => {
    const error = new GenAIValidationError(scope, 'minCapacity', 5, 'at most maxCapacity (2)');
    expect(error.message).toBe('S/Thing: invalid minCapacity: got 5; allowed: at most maxCapacity (2)');
    expect(error.constructPath).toBe('S/Thing');
    expect(error.property).toBe('minCapacity');
  });

  test('GenAIErrors recognizes the validation errors in every language (no Error subclass is exported)', () => {
    let caught: unknown;
    try {
      new SecureDataLake(new Stack(new App(), 'Bad'), 'Lake', { zones: [] });
    } catch (e) {
      caught = e;
    }
    expect(GenAIErrors.isGenAIValidationError(caught)).toBe(true);
    expect(GenAIErrors.constructPathOf(caught)).toBe('Bad/Lake');
    expect(GenAIErrors.propertyOf(caught)).toBe('zones');
    expect((caught as Error).name).toBe('GenAIValidationError');
    for (const other of [new Error('x'), undefined, null, 'GenAIValidationError', { name: 'GenAIValidationError' }]) {
      expect(GenAIErrors.isGenAIValidationError(other)).toBe(false);
      expect(GenAIErrors.constructPathOf(other)).toBeUndefined();
    }
  });

  test('validateRange: bounds, integers, tokens skipped', () => {
    expect(() => validateRange(scope, 'count', 0, 1, 10, { integer: true })).toThrow('S/Thing: invalid count: got 0; allowed: an integer from 1 to 10');
    expect(() => validateRange(scope, 'count', 1.5, 1, 10, { integer: true })).toThrow(/got 1.5/);
    expect(() => validateRange(scope, 'pct', NaN, 0, 100)).toThrow(/got NaN; allowed: a number from 0 to 100/);
    expect(() => validateRange(scope, 'count', 10, 1, 10, { integer: true })).not.toThrow();
    expect(() => validateRange(scope, 'count', Stack.of(scope).resolve(undefined), 1, 10)).not.toThrow();
    const token = new lambda.Function(new Stack(new App(), 'T'), 'F', {
      runtime: lambda.Runtime.NODEJS_24_X,
      handler: 'index.handler',
      code: lambda.Code.fromInline('x'),
    }).timeout?.toSeconds();
    expect(() => validateRange(scope, 'timeout', token, 1, 10)).not.toThrow();
  });

  test('validateOneOf and validatePattern', () => {
    expect(() => validateOneOf(scope, 'mode', 'x', ['a', 'b'])).toThrow('S/Thing: invalid mode: got "x"; allowed: one of a, b');
    expect(() => validateOneOf(scope, 'mode', 'a', ['a', 'b'])).not.toThrow();
    expect(() => validatePattern(scope, 'name', 'Bad Name', /^[a-z-]+$/, 'lower-case letters and dashes')).toThrow(
      'S/Thing: invalid name: got "Bad Name"; allowed: lower-case letters and dashes',
    );
  });
});

describe('createKey', () => {
  test('rotation, retained, and only AWS services may create grants (CT.KMS.PR.3)', () => {
    const stack = new Stack(strictApp(), 'S');
    createKey(stack, 'Key', 'test');
    const template = Template.fromStack(stack);
    template.hasResource('AWS::KMS::Key', {
      Properties: {
        EnableKeyRotation: true,
        PendingWindowInDays: 30,
        KeyPolicy: {
          Statement: Match.arrayWith([
            {
              Sid: 'DenyGrantsExceptForAwsResources',
              Effect: 'Deny',
              Principal: { AWS: '*' },
              Action: 'kms:CreateGrant',
              Resource: '*',
              Condition: { BoolIfExists: { 'kms:GrantIsForAWSResource': 'false', 'aws:PrincipalIsAWSService': 'false' } },
            },
          ]),
        },
      },
      DeletionPolicy: 'Retain',
    });
  });
});

describe('encrypted log groups', () => {
  test('the key lets CloudWatch Logs in for the named log groups only, never log-group:*', () => {
    const stack = new Stack(strictApp(), 'S');
    const key = createKey(stack, 'Key', 'test');
    const a = createEncryptedLogGroup(stack, 'First', { encryptionKey: key });
    createEncryptedLogGroup(stack, 'Second', { encryptionKey: key, logGroupName: 'my-group' });
    const template = Template.fromStack(stack);
    const name = template.toJSON().Resources[stack.resolve((a.node.defaultChild as any).logicalId)].Properties.LogGroupName;
    expect(name).toBe('/genai/S/S-First');
    const statements = (Object.values(template.findResources('AWS::KMS::Key'))[0] as any).Properties.KeyPolicy.Statement;
    const logs = statements.filter((st: any) => st.Sid === 'AllowCloudWatchLogs');
    expect(logs).toHaveLength(1);
    const arn = (name: string) => ({ 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':logs:', { Ref: 'AWS::Region' }, ':', { Ref: 'AWS::AccountId' }, `:log-group:${name}`]] });
    expect(logs[0].Condition).toEqual({ ArnLike: { 'kms:EncryptionContext:aws:logs:arn': [arn(name), arn('my-group')] } });
    expect(JSON.stringify(statements)).not.toContain('log-group:*');
  });
});

describe('SecureFunction', () => {
  function fnStack(props: Partial<ConstructorParameters<typeof SecureFunction>[2]> = {}) {
    const app = strictApp();
    const stack = new Stack(app, 'S');
    const key = createKey(stack, 'Key', 'test');
    const fn = new SecureFunction(stack, 'Fn', {
      handlerName: 'none',
      description: 'test function',
      encryptionKey: key,
      code: lambda.Code.fromInline('exports.handler = async () => ({})'),
      ...props,
    });
    return { app, stack, fn, template: Template.fromStack(stack) };
  }

  test('latest Node runtime, tracing, reserved concurrency, KMS env, DLQ, JSON logs to its own encrypted group', () => {
    const { template } = fnStack();
    template.hasResourceProperties('AWS::Lambda::Function', {
      Runtime: 'nodejs24.x',
      Architectures: ['arm64'],
      TracingConfig: { Mode: 'Active' },
      ReservedConcurrentExecutions: 10,
      Timeout: 30,
      KmsKeyArn: { 'Fn::GetAtt': [Match.stringLikeRegexp('^Key'), 'Arn'] },
      DeadLetterConfig: { TargetArn: { 'Fn::GetAtt': [Match.stringLikeRegexp('^FnDeadLetterQueue'), 'Arn'] } },
      LoggingConfig: { LogFormat: 'JSON', LogGroup: { Ref: Match.stringLikeRegexp('^FnLogGroup') } },
    });
    template.hasResourceProperties('AWS::SQS::Queue', { KmsMasterKeyId: { 'Fn::GetAtt': [Match.stringLikeRegexp('^Key'), 'Arn'] } });
    template.hasResourceProperties('AWS::Logs::LogGroup', { RetentionInDays: 365, KmsKeyId: Match.anyValue() });
  });

  test('the role has no managed policies and may only write its own log group', () => {
    const { template } = fnStack();
    template.hasResourceProperties('AWS::IAM::Role', { ManagedPolicyArns: Match.absent() });
    template.hasResourceProperties('AWS::IAM::Policy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Action: ['logs:CreateLogStream', 'logs:PutLogEvents'],
            Resource: { 'Fn::GetAtt': [Match.stringLikeRegexp('^FnLogGroup'), 'Arn'] },
          }),
        ]),
      },
    });
  });

  test('settings can be changed and are validated', () => {
    const { template } = fnStack({ timeout: Duration.seconds(5), memorySize: 1024, reservedConcurrentExecutions: 3 });
    template.hasResourceProperties('AWS::Lambda::Function', { Timeout: 5, MemorySize: 1024, ReservedConcurrentExecutions: 3 });
    expect(() => fnStack({ reservedConcurrentExecutions: 0 })).toThrow('S/Fn: invalid reservedConcurrentExecutions: got 0; allowed: an integer from 1 to 1000');
    expect(() => fnStack({ memorySize: 64 })).toThrow(/invalid memorySize: got 64/);
  });

  test('a missing bundle is a clear error', () => {
    const stack = new Stack(strictApp(), 'S');
    expect(
      () => new SecureFunction(stack, 'Fn', { handlerName: 'does-not-exist', description: 'x', encryptionKey: createKey(stack, 'K', 'k') }),
    ).toThrow(/The Lambda bundle for "does-not-exist" is missing at .*dist\/lambda\/does-not-exist: run "npm run build" first/);
  });

  // zero compliance findings: test/core/secure-function.compliance.ts (checked in test/compliance/all.test.ts)
});

describe('applyCompliance', () => {
  test('registers each pack once per app, whatever construct it is given', () => {
    const app = strictApp();
    const stack = new Stack(app, 'S');
    applyCompliance(stack);
    applyCompliance(app);
    new s3.Bucket(stack, 'Plain');
    const findings = complianceFindings(app);
    // one finding per pack for a rule every pack has, not two
    expect(findings.filter((f) => f.includes('S3BucketVersioningEnabled @ S/Plain'))).toHaveLength(2);
  });

  describe('an app whose stages register the packs too (as GenAIPlatformPipeline stages do)', () => {
    /** Synthesizes the app and returns the validation report's plugins and findings. */
    const report = (app: App) => {
      try {
        app.synth({ force: true });
      } catch {
        // a failed validation throws after writing the report
      }
      const json = JSON.parse(readFileSync(join(app.outdir, 'validation-report.json'), 'utf8'));
      const findings: string[] = json.pluginReports.flatMap((p: any) => p.violations.flatMap((v: any) => v.violatingConstructs.map((c: any) => `${p.pluginName} ${v.ruleName} @ ${c.constructPath}`)));
      const plugins: string[] = json.pluginReports.map((p: any) => p.pluginName).sort();
      return { plugins, findings: findings.sort() };
    };
    const build = (appLevel: boolean) => {
      const app = strictApp();
      for (const id of ['Dev', 'Prod']) {
        const stage = new Stage(app, id);
        new s3.Bucket(new Stack(stage, 'Platform'), 'Plain');
        applyCompliance(stage);
      }
      new s3.Bucket(new Stack(app, 'Tooling'), 'Plain');
      if (appLevel) applyCompliance(app);
      return report(app);
    };

    test('each cdk-nag pack runs once for the whole app, and each finding is reported once', () => {
      for (const appLevel of [false, true]) {
        const { plugins, findings } = build(appLevel);
        // (a pack without findings has no entry in the report)
        expect(plugins.filter((p) => p !== 'cdk-validator-cfnguard')).toEqual(['AwsSolutions', 'HIPAA.Security', 'NIST.800.53.R5']);
        // the packs check every construct of the app, as they did when each stage registered its own copy
        for (const path of ['Dev/Platform/Plain/Resource', 'Prod/Platform/Plain/Resource', 'Tooling/Plain/Resource']) {
          expect(findings.filter((f) => f === `AwsSolutions AwsSolutions-S1 @ ${path}`)).toHaveLength(1);
        }
      }
    });

    test('the Control Tower rules check each template once: in its stage, or in the enclosing stage that has them too', () => {
      const rule = (findings: string[], path: string) => findings.filter((f) => f === `cdk-validator-cfnguard s3_bucket_logging_enabled_check @ ${path}`);
      const stagesOnly = build(false).findings;
      expect(rule(stagesOnly, 'Dev/Platform/Plain/Resource')).toHaveLength(1);
      expect(rule(stagesOnly, 'Prod/Platform/Plain/Resource')).toHaveLength(1);
      expect(rule(stagesOnly, 'Tooling/Plain/Resource')).toHaveLength(0); // no stage of the app's own stacks registered them
      const withApp = build(true).findings;
      for (const path of ['Dev/Platform/Plain/Resource', 'Prod/Platform/Plain/Resource', 'Tooling/Plain/Resource']) expect(rule(withApp, path)).toHaveLength(1);
    });
  });

  test('packs can be turned off', () => {
    const app = strictApp();
    new s3.Bucket(new Stack(app, 'S'), 'Plain');
    const findings = complianceFindings(app, { awsSolutions: false, nist80053R5: false, hipaaSecurity: false });
    expect(findings.length).toBeGreaterThan(0);
    expect(findings.every((f) => f.startsWith('cdk-validator-cfnguard '))).toBe(true);
  });

  test('CloudFormation schema validation runs in every compliance synth (one engine per jest worker, test/helpers/environment.js)', () => {
    for (const property of ['NotABucketProperty', 'AlsoNotABucketProperty']) {
      const app = strictApp();
      const bucket = new s3.Bucket(new Stack(app, 'S'), 'Plain');
      (bucket.node.defaultChild as s3.CfnBucket).addPropertyOverride(property, 'x');
      const schema = complianceFindings(app, { awsSolutions: false, nist80053R5: false, hipaaSecurity: false }).filter((f) => f.startsWith('CloudFormation Validate '));
      expect(schema).toEqual([expect.stringMatching(/^CloudFormation Validate [A-Z]\d+ @ S\/Plain\/Resource$/)]);
    }
  });

  test('schemaFindings: an assembly another process wrote without schema validation is validated here as its synth would have, nested stages and environments included', () => {
    const build = (app: App) => {
      const bogus = (stack: Stack, property: string) => {
        const bucket = new s3.Bucket(stack, 'Plain');
        (bucket.node.defaultChild as s3.CfnBucket).addPropertyOverride(property, 'x');
      };
      bogus(new Stack(app, 'S'), 'NotABucketProperty');
      bogus(new Stack(new Stage(app, 'Dev'), 'Inner', { env: { account: '111111111111', region: 'eu-west-1' } }), 'AlsoNotABucketProperty');
    };
    // as the app's own synth reports it (schema validation in the synthesizing process)
    const inProcess = strictApp();
    build(inProcess);
    const synthesized = complianceFindings(inProcess, { awsSolutions: false, nist80053R5: false, hipaaSecurity: false, controlTower: false });
    // written with validation off (CDK_VALIDATION=false, as setup.ts sets it for the worker), checked afterwards
    const written = strictApp();
    build(written);
    const assembly = written.synth();
    expect(existsSync(join(assembly.directory, 'validation-report.json'))).toBe(false);
    const later = schemaFindings(assembly.directory);
    const rule = (f: string) => f.split(' @ ')[0];
    expect(later.map(rule)).toEqual(synthesized.filter((f) => f.startsWith('CloudFormation Validate ')).map(rule));
    expect(later).toEqual([
      expect.stringMatching(/^CloudFormation Validate [A-Z]\d+ @ Dev\/Inner\/Plain[0-9A-F]{8}$/),
      expect.stringMatching(/^CloudFormation Validate [A-Z]\d+ @ S\/Plain[0-9A-F]{8}$/),
    ]);
  });

  test('an acknowledgement must name the exact finding', () => {
    const app = strictApp();
    const stack = new Stack(app, 'S');
    const bucket = new s3.Bucket(stack, 'Plain', { encryptionKey: new kms.Key(stack, 'K', { enableKeyRotation: true }) });
    Validations.of(bucket).acknowledge(...Acknowledgements.bucketReplication);
    const findings = complianceFindings(app);
    expect(findings.some((f) => f.includes('S3BucketReplicationEnabled'))).toBe(false);
    expect(findings.some((f) => f.includes('S3BucketVersioningEnabled'))).toBe(true);
  });
});

test('every acknowledgement has an exact id and a real reason', () => {
  for (const [topic, acks] of Object.entries(Acknowledgements)) {
    for (const ack of acks) {
      expect(`${topic}: ${ack.id}`).toMatch(/^[\w]+: (AwsSolutions|NIST\.800\.53\.R5|HIPAA\.Security|GenAI)-\w+(\[.+\])?$|^[\w]+: cdk-validator-cfnguard::\w+$/);
      expect(ack.reason.length).toBeGreaterThan(60);
    }
  }
});
