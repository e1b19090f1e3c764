import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { findCdkCli, readAssembly } from '../../cli/assembly';

function write(path: string, value: unknown) {
  writeFileSync(path, JSON.stringify(value));
}

function stackArtifact(templateFile: string, displayName: string, dependencies: string[] = []) {
  return { type: 'aws:cloudformation:stack', displayName, properties: { templateFile }, dependencies };
}

describe('readAssembly', () => {
  test('reads top-level, stage (at any depth) and nested stacks with baseline names that cannot collide', () => {
    const dir = mkdtempSync(join(tmpdir(), 'assembly-'));
    mkdirSync(join(dir, 'assembly-Dev', 'assembly-Dev-Inner'), { recursive: true });
    write(join(dir, 'manifest.json'), {
      artifacts: {
        'A.assets': { type: 'cdk:asset-manifest' },
        'A': stackArtifact('A.template.json', 'A', ['A.assets']),
        'B': stackArtifact('B.template.json', 'B', ['A', 'B.assets']),
        'assembly-Dev': { type: 'cdk:cloud-assembly', properties: { directoryName: 'assembly-Dev' } },
      },
    });
    write(join(dir, 'A.template.json'), { Resources: {} });
    write(join(dir, 'B.template.json'), {
      Resources: {
        InnerNestedStackInnerNestedStackResource1: {
          Type: 'AWS::CloudFormation::Stack',
          Metadata: { 'aws:cdk:path': 'B/Inner.NestedStack/Inner.NestedStackResource', 'aws:asset:path': 'BInner1234ABCD.nested.template.json' },
        },
      },
    });
    write(join(dir, 'BInner1234ABCD.nested.template.json'), { Resources: {} });
    write(join(dir, 'assembly-Dev', 'manifest.json'), {
      artifacts: {
        'DevPlatform7388A222': stackArtifact('DevPlatform7388A222.template.json', 'Dev/Platform'),
        'assembly-Dev-Inner': { type: 'cdk:cloud-assembly', properties: { directoryName: 'assembly-Dev-Inner' } },
      },
    });
    write(join(dir, 'assembly-Dev', 'DevPlatform7388A222.template.json'), { Resources: {} });
    write(join(dir, 'assembly-Dev', 'assembly-Dev-Inner', 'manifest.json'), { artifacts: { DevInnerDeep326B5D4D: stackArtifact('DevInnerDeep326B5D4D.template.json', 'Dev/Inner/Deep') } });
    write(join(dir, 'assembly-Dev', 'assembly-Dev-Inner', 'DevInnerDeep326B5D4D.template.json'), { Resources: {} });

    expect(readAssembly(dir).map((s) => [s.id, s.displayName, s.baselineFile, s.dependencies])).toEqual([
      ['A', 'A', 'A.template.json', []],
      ['B', 'B', 'B.template.json', ['A']],
      ['BInner1234ABCD', 'B/Inner', 'BInner1234ABCD.nested.template.json', ['B']],
      ['DevPlatform7388A222', 'Dev/Platform', 'DevPlatform7388A222.template.json', []],
      ['DevInnerDeep326B5D4D', 'Dev/Inner/Deep', 'DevInnerDeep326B5D4D.template.json', []],
    ]);
  });

  test('a directory that is not a cloud assembly, and two stacks with one baseline file, are errors that say what to do', () => {
    const empty = mkdtempSync(join(tmpdir(), 'assembly-'));
    expect(() => readAssembly(empty)).toThrow(/is not a cloud assembly \(no manifest.json\): pass the output directory of "cdk synth"/);
    const dir = mkdtempSync(join(tmpdir(), 'assembly-'));
    mkdirSync(join(dir, 'sub'));
    write(join(dir, 'manifest.json'), { artifacts: { X: stackArtifact('X.template.json', 'X'), sub: { type: 'cdk:cloud-assembly', properties: { directoryName: 'sub' } } } });
    write(join(dir, 'sub', 'manifest.json'), { artifacts: { X: stackArtifact('X.template.json', 'Stage/X') } });
    write(join(dir, 'X.template.json'), {});
    write(join(dir, 'sub', 'X.template.json'), {});
    expect(() => readAssembly(dir)).toThrow(/Stacks X and Stage\/X would share the baseline file X.template.json/);
  });
});

describe('findCdkCli', () => {
  test("uses the app's node_modules/.bin/cdk, also from a parent directory (workspaces), else npx cdk", () => {
    const repo = mkdtempSync(join(tmpdir(), 'workspace-'));
    mkdirSync(join(repo, 'node_modules', '.bin'), { recursive: true });
    writeFileSync(join(repo, 'node_modules', '.bin', 'cdk'), '');
    mkdirSync(join(repo, 'packages', 'infra'), { recursive: true });
    expect(findCdkCli(join(repo, 'packages', 'infra')).command).toBe(join(repo, 'node_modules', '.bin', 'cdk'));
    expect(findCdkCli(mkdtempSync(join(tmpdir(), 'no-cdk-')))).toMatchObject({ args: ['cdk'], display: 'npx cdk' });
  });
});
