// Jest transform for the few ES-module-only packages the Lambda bundles (esbuild bundles them for the
// Lambda; jest loads them as CommonJS through this transform).
const { transformSync } = require('esbuild');

module.exports = {
  process(source, filename) {
    const { code, map } = transformSync(source, { loader: 'js', format: 'cjs', target: 'node20', sourcemap: 'external', sourcefile: filename });
    return { code, map };
  },
};
