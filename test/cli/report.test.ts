import { parseArgs } from '../../cli/args';
import { renderValue } from '../../cli/render';
import { Report, renderMarkdown } from '../../cli/report';
import { diffResources } from '../../cli/template';

describe('diffResources', () => {
  test('lists added, removed and changed resources with the properties that changed; metadata alone is no change', () => {
    const before = {
      Resources: {
        Fn: { Type: 'AWS::Lambda::Function', Properties: { Code: { S3Key: 'a.zip' }, Handler: 'index.handler' }, Metadata: { 'aws:cdk:path': 'S/Fn' } },
        Old: { Type: 'AWS::SQS::Queue' },
        Same: { Type: 'AWS::SNS::Topic', Metadata: { 'aws:asset:path': 'x' } },
        CDKMetadata: { Type: 'AWS::CDK::Metadata', Properties: { Analytics: 'v1' } },
      },
      Outputs: { A: { Value: 1 } },
    };
    const after = {
      Resources: {
        Fn: { Type: 'AWS::Lambda::Function', Properties: { Code: { S3Key: 'b.zip' }, Handler: 'index.handler' }, DeletionPolicy: 'Retain' },
        New: { Type: 'AWS::SQS::Queue' },
        Same: { Type: 'AWS::SNS::Topic', Metadata: { 'aws:asset:path': 'y' } },
        CDKMetadata: { Type: 'AWS::CDK::Metadata', Properties: { Analytics: 'v2' } },
      },
      Outputs: { A: { Value: 2 } },
    };
    expect(diffResources(before, after)).toEqual({
      added: [{ logicalId: 'New', type: 'AWS::SQS::Queue' }],
      removed: [{ logicalId: 'Old', type: 'AWS::SQS::Queue' }],
      changed: [{ logicalId: 'Fn', type: 'AWS::Lambda::Function', properties: ['Code'], attributes: ['DeletionPolicy'] }],
      otherSections: ['Outputs'],
    });
  });
});

describe('renderValue', () => {
  test('shows intrinsics the way cdk diff does', () => {
    expect(renderValue({ 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':s3:::', { Ref: 'Bucket' }, '/*']] })).toBe('arn:${AWS::Partition}:s3:::${Bucket}/*');
    expect(renderValue({ 'Fn::GetAtt': ['Role', 'Arn'] })).toBe('${Role.Arn}');
    expect(renderValue({ 'Fn::ImportValue': 'Storage:Out' })).toBe('${Import:Storage:Out}');
    expect(renderValue({ 'Fn::GetStackOutput': { StackName: 'Storage', OutputName: 'Out' } })).toBe('${Output:Storage.Out}');
    expect(renderValue({ 'Fn::If': ['C', 'a', 'b'] })).toBe('{"Fn::If":["C","a","b"]}');
  });
});

function report(overrides: Partial<Report>): Report {
  return {
    tool: 'genai-diff', schemaVersion: 1, command: 'check', result: 'pass', exitCode: 0, appDir: '/app', baselineDir: '/app/baseline',
    context: {}, cdk: 'node_modules/.bin/cdk', synthSeconds: 1, stacks: [], baselinesWithoutStack: [], ...overrides,
  };
}
const noChange = { added: [], removed: [], changed: [], otherSections: [] };

describe('renderMarkdown', () => {
  test('a broadening is listed per stack with its kind, resource and description as code, and the way to accept it', () => {
    const md = renderMarkdown(report({
      result: 'broadens', exitCode: 1,
      stacks: [
        { id: 'A', displayName: 'A', baselineFile: 'baseline/A.template.json', baselineMissing: false, dependencies: [], resources: noChange, broadenings: [] },
        {
          id: 'DevB1234', displayName: 'Dev/B', baselineFile: 'baseline/DevB1234.template.json', baselineMissing: true, dependencies: ['A'],
          resources: { ...noChange, added: [{ logicalId: 'P', type: 'AWS::IAM::Policy' }] },
          broadenings: [{ kind: 'iam-statement', logicalId: 'P', resourceType: 'AWS::IAM::Policy', description: 'Allow s3:* on * for role:${R}' }],
        },
      ],
    }));
    expect(md).toMatch(/^## genai-diff: security broadens in 1 of 2 stacks \(exit 1\)\n/);
    expect(md).toContain('| `A` | 0 | 0 | 0 | no |');
    expect(md).toContain('| `Dev/B` (`DevB1234`) (no baseline) | 1 | 0 | 0 | **yes: 1** |');
    expect(md).toContain('- IAM statement in `P` (AWS::IAM::Policy): `Allow s3:* on * for role:${R}`');
    expect(md).toContain('> No baseline (`baseline/DevB1234.template.json`): compared with an empty template');
    expect(md).toContain('| added | `P` | AWS::IAM::Policy | |');
    expect(md).toMatch(/run `npx genai-diff baseline` and commit the baseline directory in the same pull request/);
    // Unchanged stacks get a row, not a section.
    expect(md).not.toContain('### `A`');
  });

  test('a synthesis failure says so, with the CDK output, and claims nothing about security', () => {
    const md = renderMarkdown(report({ result: 'error', exitCode: 2, error: { kind: 'synth', message: 'Synthesis failed: x', output: 'Error: boom\n```' } }));
    expect(md).toMatch(/^## genai-diff: the app failed to synthesize \(exit 2\)/);
    expect(md).toContain('Error: boom');
    expect(md.match(/```/g)).toHaveLength(2);
    expect(md).toContain('says nothing about security either way');
  });
});

describe('parseArgs', () => {
  test('reads the command, repeated context and options in both forms', () => {
    expect(parseArgs(['check', '-c', 'a=1', '--context=b=x=y', '--dir', 'infra', '--report=r.json'])).toEqual({
      command: 'check', dir: 'infra', context: ['a=1', 'b=x=y'], report: 'r.json',
    });
  });

  test('rejects what it does not understand, saying what to do', () => {
    expect(() => parseArgs([])).toThrow(/Missing command: use "genai-diff baseline" or "genai-diff check"/);
    expect(() => parseArgs(['check', '-c', 'novalue'])).toThrow(/Context "novalue" is not KEY=VALUE/);
    expect(() => parseArgs(['diff'])).toThrow(/Unknown command "diff"/);
    expect(() => parseArgs(['check', '--dir'])).toThrow(/--dir needs a value/);
    expect(() => parseArgs(['check', '--assembly', 'cdk.out', '-c', 'a=1'])).toThrow(/--assembly reads an app that is already synthesized/);
  });
});
