import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { schemaFindings } from './helpers/compliance';
import { createUserApp, UserApp } from './helpers/user-app';

/**
 * From the outside: a user's plain-JavaScript app (installed from the packed library) that shares one lake,
 * guardrail and prompt catalog across six stacks: the audit trail, a PROD platform with streaming, Bedrock
 * invocation logging, a data-triggered training pipeline, and an inference component endpoint served from
 * that pipeline's registry, each in its own stack. `cdk synth` with every compliance pack must succeed with
 * zero findings, and every stack must depend on the shared one only through references CDK generates.
 */
const APP = readFileSync(join(__dirname, 'fixtures', 'shared-resources-app.js'), 'utf8');

describe('shared resources across six stacks of a user app (packed library, every compliance pack)', () => {
  let app: UserApp;
  beforeAll(() => {
    app = createUserApp({ files: { 'app.js': APP } });
  });
  afterAll(() => app?.remove());

  test('cdk synth succeeds with zero findings, and no stack depends on a stack defined after it', () => {
    // CloudFormation schema validation runs here, on the templates the app wrote (schemaFindings)
    const r = app.exec('cdk', ['synth', '--quiet', '--no-notices', '-o', 'out'], { CDK_VALIDATION: 'false' });
    expect(r.stderr).not.toMatch(/^\s*(ERROR|WARNING)\b/m);
    expect(r.status).toBe(0);
    const read = (file: string) => JSON.parse(readFileSync(join(app.dir, 'out', file), 'utf8'));
    expect(read('validation-report.json').pluginReports.flatMap((p: any) => p.violations)).toEqual([]);
    expect(schemaFindings(join(app.dir, 'out'))).toEqual([]);
    const manifest = read('manifest.json');
    const stacks = ['Shared', 'Audit', 'Platform', 'Logging', 'Ml', 'Serve'];
    for (const [i, name] of stacks.entries()) {
      const deps: string[] = (manifest.artifacts[name].dependencies ?? []).filter((d: string) => !d.endsWith('.assets'));
      expect({ name, later: deps.filter((d) => stacks.indexOf(d) > i) }).toEqual({ name, later: [] });
      if (i > 0) expect(deps).toContain('Shared');
    }
  });
});
