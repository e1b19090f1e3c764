// How resources and template size grow with the number of served models (one InferenceEndpoint each),
// and the largest platform that fits in one stack.
import { fmt, table, timed } from './lib.mjs';

export function run() {
  const r = timed('npx', ['ts-node', '--transpile-only', 'bench/scale-app.ts']);
  if (r.status !== 0) throw new Error(r.stderr);
  const { points, fit } = JSON.parse(r.stdout.trim().split('\n').pop());
  return {
    title: 'Stack size and scale',
    results: { points, fit },
    markdown: [
      table(['models/endpoints added to GenAIPlatform-Prod', 'resources', 'template'], points.map((p) => [String(p.endpoints), String(p.resources), fmt.kib(p.bytes)])),
      '',
      `Each added endpoint costs ${fit.perEndpointResources} resources and ${fmt.kib(fit.perEndpointBytes)} of template: one stack holds the platform plus ${fit.maxEndpoints} endpoints before CloudFormation's ${fit.limitedBy} limit (the other limit is further away). Split further models into their own stacks, passing \`platform.dataLake\` and \`platform.operationsKey\`.`,
    ].join('\n'),
  };
}
