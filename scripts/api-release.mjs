// npm run api:release — records the current jsii assembly as the last released API (api/released/),
// after a release. `npm test` compares every later assembly with it (jsii-diff): a change that breaks
// users of any language fails unless its key is listed in api/allowed-breaking-changes.txt.
// api/released/ is a package folder (assembly and the package.json fields jsii reads), so jsii-diff
// resolves its dependencies (aws-cdk-lib, constructs, cdk-nag) from this repository's node_modules.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const root = new URL('..', import.meta.url).pathname;
const out = join(root, 'api', 'released');
mkdirSync(out, { recursive: true });
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
// The copy carries a marked version, so that tools that scan the tree for assemblies (jsii-docgen keys
// them by name@version) never take it for the current one.
const version = `${pkg.version}-released`;
const assembly = JSON.parse(readFileSync(join(root, '.jsii'), 'utf8'));
writeFileSync(join(out, '.jsii'), JSON.stringify({ ...assembly, version }, null, 2) + '\n');
const released = {
  name: pkg.name,
  version,
  private: true,
  description: 'The jsii assembly of the last released version (written by npm run api:release; read by jsii-diff in npm test).',
  types: 'index.d.ts',
  dependencies: pkg.dependencies,
  peerDependencies: pkg.peerDependencies,
  jsii: pkg.jsii,
};
writeFileSync(join(out, 'package.json'), JSON.stringify(released, null, 2) + '\n');
writeFileSync(join(root, 'api', 'allowed-breaking-changes.txt'), '# jsii-diff keys of breaking changes declared for the next release (one per line)\n');
console.log(`api/released/ records ${pkg.name}@${pkg.version}; api/allowed-breaking-changes.txt reset`);
