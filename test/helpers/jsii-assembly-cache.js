/**
 * Preloaded (`node --require`) into jsii-pacmak and jsii-diff by test/jsii.test.ts. Both read dependency
 * assemblies through jsii-reflect and @jsii/spec, and read the same file several times in one process:
 * aws-cdk-lib's assembly (70 MB of compressed JSON) is parsed once for each assembly that depends on it,
 * and jsii-diff does it all again for its second type system (4 times in all). This keeps each parsed file
 * for the life of the process, so it is read once: jsii-diff 7.7 s -> 1.8 s, jsii-pacmak 8.4 s -> 5.8 s
 * on the 2-core machine. The tools only read the parsed assembly; what they generate and compare is
 * unchanged (pacmak's output is identical but for its timestamp). jsii-rosetta and jsii-docgen already
 * read each file once.
 */
const { realpathSync } = require('node:fs');
const { dirname, join } = require('node:path');

const modulesOf = (pkg, from) => dirname(require.resolve(`${pkg}/package.json`, from ? { paths: [from] } : undefined));
const reflect = modulesOf('jsii-reflect');
// every copy of @jsii/spec the tools load: the package index re-exports `loadAssemblyFromFile` through a
// getter, so the function is replaced in the module that defines it
const copies = new Set(['jsii-pacmak', 'jsii-diff'].map((tool) => modulesOf('@jsii/spec', modulesOf(tool))));
copies.add(modulesOf('@jsii/spec', reflect));

const parsed = new Map();
for (const dir of copies) {
  const utils = require(join(dir, 'lib', 'assembly-utils.js'));
  const load = utils.loadAssemblyFromFile;
  utils.loadAssemblyFromFile = (file, ...rest) => {
    const key = `${realpathSync(file)}\0${JSON.stringify(rest)}`;
    if (!parsed.has(key)) parsed.set(key, load(file, ...rest));
    return parsed.get(key);
  };
}
