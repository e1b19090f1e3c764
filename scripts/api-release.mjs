// npm run api:release — records the current jsii assembly as the last released API (api/released.jsii),
// after a release. `npm test` compares every later assembly with it (jsii-diff): a change that breaks
// users of any language fails unless its key is listed in api/allowed-breaking-changes.txt.
import { copyFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const root = new URL('..', import.meta.url).pathname;
copyFileSync(join(root, '.jsii'), join(root, 'api', 'released.jsii'));
writeFileSync(join(root, 'api', 'allowed-breaking-changes.txt'), '# jsii-diff keys of breaking changes declared for the next release (one per line)\n');
console.log('api/released.jsii updated; api/allowed-breaking-changes.txt reset');
