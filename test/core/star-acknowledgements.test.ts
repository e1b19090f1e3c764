import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { Acknowledgements } from '../../lib/core/acknowledgements';

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
 * policy, including one a user adds later. So the library applies the topics that carry that id only
 * after checking the rendered statements at synth: through `acknowledgeStarResource` (or
 * `acknowledgeWildcardResources` for their other ids), or, for the roles CDK Pipelines generates, in
 * GenAIPlatformPipeline's own statement-by-statement check. Either acknowledges a policy only when every `*`
 * statement in it holds nothing but the explained actions; test/core/acknowledgement-scope.compliance.ts shows
 * that a user's `*` statement, or a broader one, on each of these roles is reported.
 */
describe('topics with the blanket "*" IAM5 id are applied only after the per-statement check', () => {
  const topics = Object.entries(Acknowledgements).filter(([, v]) => Array.isArray(v) && v.some((a: { id: string }) => a.id === STAR)).map(([k]) => k);

  test('the topics are the ones that explain actions without resource-level permissions', () => {
    expect(topics.sort()).toEqual([
      'bedrockLoggingConfiguration', 'cloudTrailEventHistory', 'ecrAuthorizationToken', 'pipelineAssetPublishing',
      'pipelineSelfMutationLookups', 'vpcJobNetworking', 'xrayWildcard',
    ]);
  });

  test('every use in lib/ is an argument of acknowledgeStarResource or acknowledgeWildcardResources, or a reason of the pipeline\'s statement check', () => {
    const uses: string[] = [];
    const unchecked: string[] = [];
    for (const file of sources(lib)) {
      if (file.endsWith(join('core', 'acknowledgements.ts'))) continue;
      readFileSync(file, 'utf8').split('\n').forEach((line, i) => {
        for (const topic of topics) {
          if (!line.includes(`Acknowledgements.${topic}`)) continue;
          const where = `${relative(lib, file)}:${i + 1}`;
          uses.push(where);
          const checked = new RegExp(`acknowledge(StarResource|WildcardResources)\\([^;]*Acknowledgements\\.${topic}\\b`).test(line)
            // the pipeline's check: the reason of one rendered statement on "*" whose actions are all explained
            || (where.startsWith(join('platform', 'genai-platform-pipeline.ts')) && new RegExp(`^why = reason\\(Acknowledgements\\.${topic}\\);$`).test(line.trim()));
          if (!checked) unchecked.push(`${where}: ${line.trim()}`);
        }
      });
    }
    expect(uses.length).toBeGreaterThanOrEqual(11);
    expect(unchecked).toEqual([]);
  });
});
