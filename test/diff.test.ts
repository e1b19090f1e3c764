/**
 * genai-diff from the outside: a user's CDK app installs the library from its packed tarball and runs the
 * `genai-diff` bin; then this repository's own `npm run baseline` / `npm run diff` on the platform.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, writeFileSync, copyFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createUserApp, UserApp } from './helpers/user-app';

const root = join(__dirname, '..');

/**
 * A user's app: Storage (a SecureDataLake from the package and a bucket shared with another account),
 * Service (a role reading the lake, hence a dependency on Storage; a security group; an IAM-authorized REST
 * API) and a stage Dev with a stack that has a nested stack. Context switches change it the way a pull
 * request would.
 */
const APP = `const { App, NestedStack, Stack, Stage } = require('aws-cdk-lib');
const iam = require('aws-cdk-lib/aws-iam');
const s3 = require('aws-cdk-lib/aws-s3');
const sqs = require('aws-cdk-lib/aws-sqs');
const ec2 = require('aws-cdk-lib/aws-ec2');
const apigateway = require('aws-cdk-lib/aws-apigateway');
const { SecureDataLake, DataZone } = require('genai-platform-constructs');

const app = new App();
const broaden = (app.node.tryGetContext('broaden') ?? '').split(',');
const narrow = app.node.tryGetContext('narrow') === 'yes';
if (app.node.tryGetContext('explode') === 'yes') throw new Error('boom: the app could not read its settings');

const storage = new Stack(app, 'Storage');
const lake = new SecureDataLake(storage, 'Lake');
const reports = new s3.Bucket(storage, 'Reports', { enforceSSL: true });
reports.addToResourcePolicy(new iam.PolicyStatement({
  principals: [new iam.AccountPrincipal('111122223333')],
  actions: ['s3:GetObject'],
  resources: [reports.arnForObjects(broaden.includes('bucket') ? '*' : narrow ? 'reports/daily/*' : 'reports/*')],
}));

const service = new Stack(app, 'Service');
const role = new iam.Role(service, 'Role', { assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com') });
lake.grantRead(role, DataZone.CURATED);
if (broaden.includes('iam')) role.addToPolicy(new iam.PolicyStatement({ actions: ['dynamodb:DeleteTable'], resources: ['*'] }));

const vpc = ec2.Vpc.fromVpcAttributes(service, 'Vpc', { vpcId: 'vpc-12345678', availabilityZones: ['eu-west-1a'], privateSubnetIds: ['subnet-12345678'] });
const sg = new ec2.SecurityGroup(service, 'Web', { vpc, allowAllOutbound: false });
sg.addIngressRule(ec2.Peer.ipv4('10.0.0.0/16'), ec2.Port.tcp(443), 'internal HTTPS');
if (broaden.includes('sg')) sg.addIngressRule(ec2.Peer.anyIpv4(), ec2.Port.tcp(22), 'SSH from anywhere');

const api = new apigateway.RestApi(service, 'Api', { cloudWatchRole: false });
api.root.addResource('items').addMethod('GET', new apigateway.MockIntegration(), {
  authorizationType: broaden.includes('auth') ? apigateway.AuthorizationType.NONE : apigateway.AuthorizationType.IAM,
});
if (narrow) new sqs.Queue(service, 'Jobs', { enforceSSL: true });

// A stage with a stack that holds a nested stack: both get a baseline of their own.
const edge = new Stack(new Stage(app, 'Dev'), 'Edge');
new sqs.Queue(new NestedStack(edge, 'Buffers'), 'Buffer', { enforceSSL: true });
`;

describe('genai-diff in a user app that installs the packed library', () => {
  let app: UserApp;
  let assembly: string;
  const baseline = () => join(app.dir, 'baseline');
  const report = (file = join(app.dir, 'genai-diff-report.json')) => JSON.parse(readFileSync(file, 'utf8'));

  beforeAll(() => {
    assembly = mkdtempSync(join(tmpdir(), 'genai-diff-assembly-'));
    app = createUserApp({ files: { 'app.js': APP } });
  });
  afterAll(() => {
    app?.remove();
    rmSync(assembly, { recursive: true, force: true });
  });

  test('npx genai-diff --help explains the commands and exit codes', () => {
    const r = spawnSync('npx', ['--no-install', 'genai-diff', '--help'], { cwd: app.dir, encoding: 'utf8' });
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/genai-diff baseline/);
    expect(r.stdout).toMatch(/genai-diff check/);
    expect(r.stdout).toMatch(/0 +nothing broadens security/);
    expect(r.stdout).toMatch(/1 +at least one stack broadens security/);
    expect(r.stdout).toMatch(/2 +the app failed to synthesize/);
  });

  test('baseline writes one template per stack, including the dependent one, the stage stack and the nested stack', () => {
    const r = app.exec('genai-diff', ['baseline']);
    expect(r.stderr).toMatch(/wrote 4 baselines/);
    expect(r.status).toBe(0);
    const files = readdirSync(baseline()).sort();
    expect(files).toEqual([
      expect.stringMatching(/^DevEdge[0-9A-F]{8}\.template\.json$/),
      expect.stringMatching(/^DevEdgeBuffers[0-9A-F]{8}\.nested\.template\.json$/),
      'Service.template.json',
      'Storage.template.json',
    ]);
    expect(r.stdout).toMatch(/DevEdgeBuffers[0-9A-F]{8}\.nested\.template\.json {2}\(Dev\/Edge\/Buffers\)/);
    // Service imports from Storage: the dependency that made `cdk diff --template` without --exclusively fail.
    expect(readFileSync(join(baseline(), 'Service.template.json'), 'utf8')).toMatch(/Fn::ImportValue|Fn::GetStackOutput/);
  });

  test('check of the unchanged app exits 0 and says so in markdown and JSON', () => {
    const r = app.exec('genai-diff', ['check', '--output', assembly]);
    expect(r.stderr).toMatch(/synthesized 4 stacks/);
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/^## genai-diff: nothing broadens security in 4 stacks \(exit 0\)/);
    expect(r.stdout).toMatch(/\| `Dev\/Edge\/Buffers` \(`DevEdgeBuffers[0-9A-F]{8}`\) \| 0 \| 0 \| 0 \| no \|/);
    expect(r.stdout).toMatch(/\| `Service` \| 0 \| 0 \| 0 \| no \|/);
    const json = report();
    expect(json).toMatchObject({ tool: 'genai-diff', result: 'pass', exitCode: 0, baselinesWithoutStack: [] });
    expect(json.stacks.map((s: any) => [s.displayName, s.broadenings.length, s.baselineMissing]).sort()).toEqual([
      ['Dev/Edge', 0, false], ['Dev/Edge/Buffers', 0, false], ['Service', 0, false], ['Storage', 0, false],
    ]);
    expect(json.stacks.find((s: any) => s.id === 'Service').dependencies).toEqual(['Storage']);
  });

  test('an IAM statement, a wider bucket policy, an open security group and removed API auth exit 1, each named in its stack', () => {
    const markdownFile = join(app.dir, 'out', 'comment.md');
    const r = app.exec('genai-diff', ['check', '-c', 'broaden=iam,bucket,sg,auth', '--report', 'out/report.json', '--markdown', 'out/comment.md']);
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/security broadens in Storage, Service \(exit 1\)/);
    const md = r.stdout;
    expect(readFileSync(markdownFile, 'utf8')).toBe(md);
    expect(md).toMatch(/^## genai-diff: security broadens in 2 of 4 stacks \(exit 1\)/);
    const section = (stack: string) => md.slice(md.indexOf(`### \`${stack}\``)).split(/\n### /)[0];
    expect(section('Service')).toMatch(/IAM statement in `RoleDefaultPolicy\w+` \(AWS::IAM::Policy\): `Allow dynamodb:DeleteTable on \* for role:\$\{Role\w+\}`/);
    expect(section('Service')).toMatch(/Security group rule in `Web\w+` \(AWS::EC2::SecurityGroup\): `ingress tcp 22 from 0\.0\.0\.0\/0 to \$\{Web\w+\}`/);
    expect(section('Service')).toMatch(/Authorization in `ApiitemsGET\w+` \(AWS::ApiGateway::Method\): `GET \$\{Apiitems\w+\}: AuthorizationType AWS_IAM removed, the method accepts unauthenticated calls`/);
    expect(section('Storage')).toMatch(/Resource policy in `ReportsPolicy\w+` \(AWS::S3::BucketPolicy\): `bucket policy of \$\{Reports\w+\}: Allow s3:GetObject on \$\{Reports\w+\.Arn\}\/\* for AWS:arn:/);
    // Only the change is reported: the HTTPS rule, the lake grants and the TLS-only Deny are in the baseline.
    expect(md).not.toMatch(/443/);
    expect(md).not.toMatch(/Deny/);

    const json = report(join(app.dir, 'out', 'report.json'));
    expect(json).toMatchObject({ result: 'broadens', exitCode: 1, context: { broaden: 'iam,bucket,sg,auth' } });
    const kinds = (id: string) => json.stacks.find((s: any) => s.id === id).broadenings.map((b: any) => b.kind).sort();
    expect(kinds('Service')).toEqual(['auth', 'iam-statement', 'security-group-rule']);
    expect(kinds('Storage')).toEqual(['resource-policy']);
  });

  test('a change that adds resources and narrows a policy exits 0 and lists what changed', () => {
    const r = app.exec('genai-diff', ['check', '--context', 'narrow=yes']);
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/nothing broadens security in 4 stacks/);
    expect(r.stdout).toMatch(/\| added \| `Jobs\w+` \| AWS::SQS::Queue \|/);
    expect(r.stdout).toMatch(/\| changed \| `ReportsPolicy\w+` \| AWS::S3::BucketPolicy \| PolicyDocument \|/);
    expect(report().stacks.find((s: any) => s.id === 'Service').resources.added.map((a: any) => a.type)).toEqual(expect.arrayContaining(['AWS::SQS::Queue']));
  });

  test('a stack without a baseline is compared with an empty template and the message says to run genai-diff baseline', () => {
    const partial = mkdtempSync(join(tmpdir(), 'genai-diff-baseline-'));
    for (const file of readdirSync(baseline()).filter((f) => f !== 'Service.template.json')) copyFileSync(join(baseline(), file), join(partial, file));
    writeFileSync(join(partial, 'Retired.template.json'), '{"Resources":{}}');
    const r = app.exec('genai-diff', ['check', '--assembly', assembly, '--baseline-dir', partial]);
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/no baseline for Service .*compared with an empty template; run "npx genai-diff baseline"/);
    expect(r.stdout).toMatch(/\| `Service` \(no baseline\) \|/);
    expect(r.stdout).toMatch(/Baselines without a stack in this synthesis \(not checked\): `Retired.template.json`/);
    const service = report().stacks.find((s: any) => s.id === 'Service');
    expect(service.baselineMissing).toBe(true);
    expect(service.broadenings.map((b: any) => b.kind)).toEqual(expect.arrayContaining(['iam-statement', 'trust-policy', 'security-group-rule']));
    expect(report().stacks.find((s: any) => s.id === 'Storage').broadenings).toEqual([]);
  });

  test('an error thrown by the app exits 2 as a synthesis failure, never as broadening', () => {
    const r = app.exec('genai-diff', ['check', '-c', 'explode=yes']);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/synthesis failed: Synthesis failed: ".*cdk synth" exited with 1/);
    expect(r.stderr).toMatch(/boom: the app could not read its settings/);
    expect(r.stdout).toMatch(/^## genai-diff: the app failed to synthesize \(exit 2\)/);
    expect(r.stdout).not.toMatch(/broadens/);
    expect(report()).toMatchObject({ result: 'error', exitCode: 2, stacks: [], error: { kind: 'synth' } });
  });

  test('a syntax error in the app exits 2 as a synthesis failure', () => {
    const broken = createUserApp({ files: { 'app.js': "const { App } = require('aws-cdk-lib');\nnew App(;\n" } });
    try {
      const r = broken.exec('genai-diff', ['check']);
      expect(r.status).toBe(2);
      expect(r.stderr).toMatch(/SyntaxError/);
      expect(JSON.parse(readFileSync(join(broken.dir, 'genai-diff-report.json'), 'utf8')).error.kind).toBe('synth');
    } finally {
      broken.remove();
    }
  });

  test('a directory without cdk.json and a wrong option exit 2 saying what to do', () => {
    const empty = mkdtempSync(join(tmpdir(), 'not-an-app-'));
    const r = app.exec('genai-diff', ['check', '--dir', empty]);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/No cdk.json in .*: run genai-diff in your CDK app's directory, pass it with --dir/);
    expect(report(join(empty, 'genai-diff-report.json'))).toMatchObject({ result: 'error', error: { kind: 'tool' } });
    const usage = app.exec('genai-diff', ['check', '--frobnicate']);
    expect(usage.status).toBe(2);
    expect(usage.stderr).toMatch(/Unknown option --frobnicate\. Run "genai-diff --help"/);
  });
});

describe('npm run baseline / npm run diff in this repository (the platform, synthesized once)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'platform-diff-'));
  const baselineDir = join(dir, 'baseline');
  const assembly = join(dir, 'cdk.out');
  const npm = (script: string, args: string[]) => {
    const r = spawnSync('npm', ['run', '--silent', script, '--', ...args], { cwd: root, encoding: 'utf8', env: { ...process.env, CDK_DISABLE_CLI_TELEMETRY: 'true' } });
    return { status: r.status, stdout: r.stdout, stderr: r.stderr };
  };

  test('the DEV platform passes against its own baseline and fails once the baseline lacks a statement', () => {
    const written = npm('baseline', ['-c', 'profile=dev', '--baseline-dir', baselineDir, '--output', assembly]);
    expect(written.status).toBe(0);
    expect(readdirSync(baselineDir)).toEqual(['GenAIPlatform-Dev.template.json']);
    // The committed baseline/ uses the same file names.
    expect(existsSync(join(root, 'baseline', 'GenAIPlatform-Dev.template.json'))).toBe(true);

    const report = join(dir, 'report.json');
    const same = npm('diff', ['--assembly', assembly, '--baseline-dir', baselineDir, '--report', report]);
    expect(same.status).toBe(0);

    const file = join(baselineDir, 'GenAIPlatform-Dev.template.json');
    const template = JSON.parse(readFileSync(file, 'utf8'));
    const [policyId, policy] = Object.entries<any>(template.Resources).find(([, r]) => r.Type === 'AWS::IAM::Policy')!;
    policy.Properties.PolicyDocument.Statement.pop();
    mkdirSync(baselineDir, { recursive: true });
    writeFileSync(file, JSON.stringify(template));
    const broadened = npm('diff', ['--assembly', assembly, '--baseline-dir', baselineDir, '--report', report]);
    expect(broadened.status).toBe(1);
    expect(broadened.stdout).toMatch(new RegExp(`IAM statement in \`${policyId}\` \\(AWS::IAM::Policy\\): \`Allow `));
    expect(JSON.parse(readFileSync(report, 'utf8')).stacks[0]).toMatchObject({ id: 'GenAIPlatform-Dev', broadenings: [{ kind: 'iam-statement', logicalId: policyId }] });
  });
});
