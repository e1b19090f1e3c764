/**
 * Runs before every test file. Unit tests synthesize hundreds of small apps; aws-cdk-lib's built-in
 * CloudFormation schema validation (a WebAssembly engine) costs more than the rest of each synth, so it
 * is off here and on wherever the tests check compliance: `complianceFindings()` turns it back on for
 * its synth, and the tests that run an app in a child process (the examples, the users' apps, the README's
 * pipeline) validate the templates it wrote with the worker's engine (`schemaFindings`), so that each app
 * process does not start an engine of its own. Those cover the whole platform in both profiles, the
 * examples and the users' apps, with strict validation.
 *
 * Apps created in tests also skip recording a creation stack trace for every L1 resource
 * (`aws:cdk:disable-creation-stack-traces`). The trace is debugging metadata of the cloud assembly, never
 * part of a template or of a finding, and under jest each one is mapped through source maps: it tripled
 * the cost of creating a resource. `new App()` reads the context from CDK_CONTEXT_JSON; a child process
 * inherits it unless the test sets its own, and the CDK CLI passes its own context to the apps it runs.
 *
 * `Validations.of(x).acknowledge()` records a stack trace for every acknowledgement, whatever the context
 * says. jest raises `Error.stackTraceLimit` to 100 and maps every frame through source maps, so each
 * acknowledgement of the library cost up to 100 mapped frames. Node's default of 10 frames is kept here
 * (failures still show their top 10 frames, mapped to the TypeScript lines).
 */
if (process.env.CDK_VALIDATION === undefined) process.env.CDK_VALIDATION = 'false';
if (process.env.CDK_CONTEXT_JSON === undefined) process.env.CDK_CONTEXT_JSON = JSON.stringify({ 'aws:cdk:disable-creation-stack-traces': true });
Error.stackTraceLimit = 10;
