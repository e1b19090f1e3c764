/**
 * jest's node environment, plus one thing test files of a worker share: aws-cdk-lib's CloudFormation schema
 * validation plugin (`CloudFormationValidatePlugin`).
 *
 * aws-cdk-lib keeps one instance of that plugin per process because starting its WebAssembly engine (the
 * CloudFormation resource schemas) costs 1.5-2 s. jest gives every test file fresh modules, so each file
 * that synthesizes with validation on (`withSchemaValidation` in test/helpers/compliance.ts) started the
 * engine again. Here the plugin is created once per worker, outside the test files' module registries, and
 * `withSchemaValidation` hands it to the file's aws-cdk-lib as the singleton it would have created. The
 * plugin keeps no state between synths but its engine, which it re-creates when a synth brings resource
 * types the engine was not made for, exactly as in one process.
 */
const { TestEnvironment } = require('jest-environment-node');

const KEY = Symbol.for('genai-platform-constructs.test-shared');
let plugin;
const shared = {
  /** The worker's CloudFormationValidatePlugin (created on first use). */
  cloudFormationValidatePlugin() {
    plugin ??= new (require('aws-cdk-lib').CloudFormationValidatePlugin)();
    return plugin;
  },
};

class Environment extends TestEnvironment {
  constructor(config, context) {
    super(config, context);
    this.global[KEY] = shared;
  }
}

module.exports = Environment;
