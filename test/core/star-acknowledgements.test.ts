import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { Acknowledgements } from '../../lib/core/acknowledgements';
import { createKey } from '../../lib/core/encryption';
import { SecureFunction } from '../../lib/core/secure-function';
import { STAR_RESOURCE_REASONS } from '../../lib/core/private/star-resource-reasons';
import { strictApp } from '../helpers/compliance';

const lib = join(__dirname, '..', '..', 'lib');
const STAR = 'AwsSolutions-IAM5[Resource::*]';

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? sources(path) : path.endsWith('.ts') && !path.endsWith('.d.ts') ? [path] : [];
  });
}

/**
 * An acknowledgement of `AwsSolutions-IAM5[Resource::*]` on a policy covers every `*` statement of that
 * policy, including one a user adds later. So no public acknowledgement carries that id (a user could pass
 * it to `Validations.of(...).acknowledge`), and the library applies its reasons for `*`
 * (`STAR_RESOURCE_REASONS`, internal) only after checking the rendered statements at synth: through
 * `acknowledgeStarResource`, or, for the roles CDK Pipelines generates, in GenAIPlatformPipeline's own
 * statement-by-statement check. Either acknowledges a policy only when every `*` statement in it holds nothing
 * but the explained actions; test/core/acknowledgement-scope.compliance.ts shows that a user's `*` statement,
 * or a broader one, on each of these roles is reported. The check runs at every synthesis, and one that held at
 * an earlier synthesis of the same app and no longer does fails the synthesis (the last describe below).
 */
describe('the blanket "*" IAM5 id is applied only after the per-statement check', () => {
  test('no topic of the public Acknowledgements registry carries it', () => {
    const carrying = Object.entries(Acknowledgements)
      .filter(([, v]) => Array.isArray(v) && v.some((a: { id: string }) => a.id === STAR))
      .map(([k]) => k);
    expect(carrying).toEqual([]);
  });

  test('the id is not written anywhere else in lib/: only acknowledgeStarResource builds it', () => {
    const literal: string[] = [];
    for (const file of sources(lib)) {
      readFileSync(file, 'utf8').split('\n').forEach((line, i) => {
        if (line.includes('Resource::*]') && !/^\s*(\*|\/\/)/.test(line)) literal.push(`${relative(lib, file)}:${i + 1}: ${line.trim()}`);
      });
    }
    expect(literal).toEqual([]);
  });

  test('every use of a reason for "*" in lib/ is an argument of acknowledgeStarResource or a reason of the pipeline\'s statement check', () => {
    const uses: string[] = [];
    const unchecked: string[] = [];
    for (const file of sources(lib)) {
      if (file.endsWith(join('private', 'star-resource-reasons.ts'))) continue;
      readFileSync(file, 'utf8').split('\n').forEach((line, i) => {
        if (!/STAR_RESOURCE_REASONS\.\w+/.test(line)) return;
        const where = `${relative(lib, file)}:${i + 1}`;
        uses.push(where);
        const checked = /acknowledgeStarResource\([^;]*STAR_RESOURCE_REASONS\.\w+/.test(line)
          // the pipeline's check: the reason of one rendered statement on "*" whose actions are all explained
          || (where.startsWith(join('platform', 'genai-platform-pipeline.ts')) && /^why = STAR_RESOURCE_REASONS\.\w+;$/.test(line.trim()));
        if (!checked) unchecked.push(`${where}: ${line.trim()}`);
      });
    }
    expect(uses.length).toBeGreaterThanOrEqual(9);
    expect(unchecked).toEqual([]);
  });

  test('each reason is used', () => {
    const text = sources(lib).filter((f) => !f.endsWith('star-resource-reasons.ts')).map((f) => readFileSync(f, 'utf8')).join('\n');
    expect(Object.keys(STAR_RESOURCE_REASONS).filter((name) => !text.includes(`STAR_RESOURCE_REASONS.${name}`))).toEqual([]);
  });
});

describe('an acknowledgement applied after a check holds only while the check does', () => {
  /** A SecureFunction (X-Ray on "*", explained) and the ids acknowledged on its role's default policy. */
  const build = () => {
    const app = strictApp();
    const stack = new Stack(app, 'S');
    const fn = new SecureFunction(stack, 'Fn', {
      handlerName: 'none',
      description: 'test function',
      encryptionKey: createKey(stack, 'Key', 'test'),
      code: lambda.Code.fromInline('exports.handler = async () => ({})'),
    });
    const policy = fn.role.node.findAll().find((c) => c.node.path.endsWith('DefaultPolicy/Resource'))!;
    const acknowledged = () => policy.node.metadata
      .filter((m) => m.type === 'aws:cdk:acknowledged-rules')
      .flatMap((m) => Object.keys(m.data as object))
      .some((id) => id.endsWith(STAR)); // CDK stores the id with a namespace prefix
    return { app, fn, acknowledged };
  };
  const star = new iam.PolicyStatement({ actions: ['s3:GetObject'], resources: ['*'] });

  test('synthesized again unchanged: the same acknowledgement, no error', () => {
    const { app, acknowledged } = build();
    app.synth();
    expect(acknowledged()).toBe(true);
    expect(() => app.synth({ force: true })).not.toThrow();
  });

  test('a user statement on "*" added before the first synthesis: not acknowledged (reported by the packs)', () => {
    const { app, fn, acknowledged } = build();
    fn.role.addToPrincipalPolicy(star);
    app.synth();
    expect(acknowledged()).toBe(false);
  });

  test('a user statement on "*" added after a synthesis: the next synthesis fails, naming the id and the policy', () => {
    const { app, fn, acknowledged } = build();
    app.synth();
    expect(acknowledged()).toBe(true);
    fn.role.addToPrincipalPolicy(star);
    expect(() => app.synth({ force: true })).toThrow(/AwsSolutions-IAM5\[Resource::\*\] was acknowledged on S\/Fn\/Role\/DefaultPolicy\/Resource when this app was synthesized before, and no longer holds/);
  });
});
