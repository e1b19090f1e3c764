import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { schemaCheckedHereEnv, schemaFindings } from './helpers/compliance';
import { createUserApp, UserApp } from './helpers/user-app';

const root = join(__dirname, '..');
const examples = join(root, 'examples');
const STACKS = ['ExampleData', 'ExampleTraining', 'ExamplePlatform', 'ExampleImports', 'ExampleEvaluation'];

/**
 * examples/ holds two apps that use the library as a user does, through `import ... from
 * 'genai-platform-constructs'`: app.ts (single constructs) and multi-stack.ts (constructs across five stacks).
 * Here both are a user's TypeScript app that installs the packed library: compiled together by one tsc run
 * against the package's own types (strict, Node16 resolution through package.json `exports`), then each is
 * synthesized with every compliance pack, and its templates pass CloudFormation schema validation (run here
 * on what the app wrote, by the worker's engine: `schemaFindings`).
 */
describe('examples/ in a user app (packed library, every compliance pack)', () => {
  let app: UserApp;

  beforeAll(() => {
    app = createUserApp({
      files: {
        'app.ts': readFileSync(join(examples, 'src', 'app.ts'), 'utf8'),
        'multi-stack.ts': readFileSync(join(examples, 'src', 'multi-stack.ts'), 'utf8'),
        'tsconfig.json': JSON.stringify({
          compilerOptions: {
            target: 'ES2022', module: 'node16', moduleResolution: 'node16', strict: true, skipLibCheck: true, outDir: 'dist', types: [],
          },
          files: ['app.ts', 'multi-stack.ts'],
        }),
      },
    });
    const tsc = app.exec('tsc', ['-p', '.']);
    expect(`${tsc.stdout}${tsc.stderr}`).toBe('');
    expect(tsc.status).toBe(0);
  });
  afterAll(() => app?.remove());

  test('examples/tsconfig.json (for working in examples/) is valid and compiles both apps', () => {
    const ts: typeof import('typescript') = require('typescript');
    const parsed = ts.getParsedCommandLineOfConfigFile(join(examples, 'tsconfig.json'), {}, { ...ts.sys, onUnRecoverableConfigFileDiagnostic: () => undefined });
    expect(parsed?.errors).toEqual([]);
    expect(parsed?.fileNames.map((f) => f.slice(examples.length + 1)).sort()).toEqual(['src/app.ts', 'src/multi-stack.ts']);
    expect(parsed?.options.strict).toBe(true);
  });

  test.each(['app.ts', 'multi-stack.ts'])('%s imports nothing from lib/ directly', (file) => {
    const source = readFileSync(join(examples, 'src', file), 'utf8');
    expect(source).toMatch(/from 'genai-platform-constructs'/);
    expect(source).not.toMatch(/from '\.\.?\/.*lib/);
  });

  test('app.ts synthesizes with every compliance pack, with the context of examples/cdk.json', () => {
    const out = join(app.dir, 'cdk.out.app');
    const context = JSON.parse(readFileSync(join(examples, 'cdk.json'), 'utf8')).context;
    execFileSync(process.execPath, [join(app.dir, 'dist', 'app.js')], {
      cwd: app.dir,
      env: schemaCheckedHereEnv({ CDK_OUTDIR: out, CDK_CONTEXT_JSON: JSON.stringify(context) }),
      stdio: 'pipe',
    });
    const manifest = JSON.parse(readFileSync(join(out, 'manifest.json'), 'utf8'));
    const stacks = Object.entries(manifest.artifacts).filter(([, a]: [string, any]) => a.type === 'aws:cloudformation:stack').map(([n]) => n);
    expect(stacks).toEqual(expect.arrayContaining(['ExampleGovernance', 'ExampleBedrockChat', 'ExampleServing']));
    const report = JSON.parse(readFileSync(join(out, 'validation-report.json'), 'utf8'));
    expect(report.pluginReports.flatMap((p: any) => p.violations)).toEqual([]);
    expect(schemaFindings(out)).toEqual([]);
    expect(existsSync(join(out, 'ExampleGovernance.template.json'))).toBe(true);
  });

  /**
   * multi-stack.ts with `cdk synth`, once per reference style: library resources consume another stack's
   * lake, key and log bucket through the references CDK generates, and no finding may remain.
   */
  test.each([
    ['weak', 'Fn::GetStackOutput', 'Fn::ImportValue'],
    ['strong', 'Fn::ImportValue', 'Fn::GetStackOutput'],
  ])('multi-stack.ts, %s references: cdk synth succeeds with zero findings, and stack B really reads the lake through %s', (strength, intrinsic, other) => {
    const out = `cdk.out.${strength}`;
    const r = app.exec('cdk', ['synth', '--quiet', '--no-notices', '--app', 'node dist/multi-stack.js', '-o', out, '-c', `@aws-cdk/core:defaultCrossStackReferences=${strength}`], { CDK_VALIDATION: 'false' });
    expect(r.stderr).not.toMatch(/^\s*(ERROR|WARNING)\b/m); // INFO annotations (NVMe storage) are expected
    expect(r.status).toBe(0);

    const read = (file: string) => JSON.parse(readFileSync(join(app.dir, out, file), 'utf8'));
    const manifest = read('manifest.json');
    const stacks = Object.entries<any>(manifest.artifacts).filter(([, a]) => a.type === 'aws:cloudformation:stack').map(([name]) => name);
    expect(stacks.sort()).toEqual([...STACKS].sort());
    const report = read('validation-report.json');
    expect(report.pluginReports.map((p: any) => p.pluginName)).toContain('cdk-validator-cfnguard');
    expect(report.pluginReports.flatMap((p: any) => p.violations)).toEqual([]);
    expect(schemaFindings(join(app.dir, out))).toEqual([]);

    // E evaluates D's function: E depends on D, never D on E (the trace key names E's role by ARN).
    expect(manifest.artifacts.ExampleEvaluation.dependencies).toContain('ExampleImports');
    expect(manifest.artifacts.ExampleImports.dependencies ?? []).not.toContain('ExampleEvaluation');
    const imports = JSON.stringify(read('ExampleImports.template.json'));
    expect(imports).not.toMatch(/"StackName":"ExampleEvaluation"|ExampleEvaluation:Exports/); // no reference to E
    expect(imports).toMatch(/"aws:PrincipalArn":\{"Fn::Join":\["",\["arn:",\{"Ref":"AWS::Partition"\},":iam::",\{"Ref":"AWS::AccountId"\},":role\/ExampleEvaluation-Outputs-/);

    // What made it clean: acknowledgements computed in B's template, with the reference rendered there.
    const acknowledged: string[] = [];
    for (const [path, entries] of Object.entries<any[]>(read('ExampleTraining.metadata.json'))) {
      for (const e of entries) if (e.type === 'aws:cdk:acknowledged-rules') acknowledged.push(...Object.keys(e.data).map((id) => `${path} ${id}`));
    }
    const rendered = strength === 'weak' ? '{"Fn::GetStackOutput":{"StackName":"ExampleData"' : 'ExampleData:ExportsOutputFnGetAttLakeCuratedBucket';
    expect(acknowledged.some((a) => a.startsWith('/ExampleTraining/FineTune/Role/DefaultPolicy/Resource ') && a.includes(`AwsSolutions-IAM5[Resource::${rendered}`) && a.endsWith('/training/*]'))).toBe(true);

    // The training and endpoint roles name A's buckets, and B's queues and log groups use A's key, through the references.
    const training = read('ExampleTraining.template.json');
    const text = JSON.stringify(training);
    expect(text).toContain(`"${intrinsic}"`);
    expect(text).not.toContain(`"${other}"`);
    // Every queue and log group of B is encrypted with A's key through the reference, or with a key of B's
    // own (today the training and endpoint constructs keep operational resources off the lake's key); each
    // one on A's key carries the precise Control Tower acknowledgement.
    const rules: Record<string, string> = { 'AWS::SQS::Queue': 'sqs_queue_encrypted_check', 'AWS::Logs::LogGroup': 'cloudwatch_log_group_encrypted_check' };
    const keyed = Object.values<any>(training.Resources).filter((res) => rules[res.Type]);
    const viaReference = keyed.filter((res) => Object.keys(res.Properties.KmsMasterKeyId ?? res.Properties.KmsKeyId)[0] === intrinsic);
    expect(keyed.length).toBeGreaterThan(3);
    for (const res of viaReference) {
      expect(acknowledged).toContain(`/${res.Metadata['aws:cdk:path']} cdk-validator-cfnguard::${rules[res.Type]}`);
    }
    for (const res of keyed.filter((k) => !viaReference.includes(k))) {
      const keyId = res.Properties.KmsMasterKeyId ?? res.Properties.KmsKeyId;
      expect(training.Resources[keyId['Fn::GetAtt']?.[0] ?? keyId.Ref]?.Type).toBe('AWS::KMS::Key');
    }
  });
});
