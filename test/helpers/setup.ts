/**
 * Runs before every test file. Unit tests synthesize hundreds of small apps; aws-cdk-lib's built-in
 * CloudFormation schema validation (a WebAssembly engine) costs more than the rest of each synth, so it
 * is off here and on wherever the tests check compliance: `complianceFindings()` turns it back on for
 * its synth, and the tests that run an app in a child process pass CDK_VALIDATION=true. Those cover the
 * whole platform in both profiles, the examples and the users' apps, with strict validation.
 */
if (process.env.CDK_VALIDATION === undefined) process.env.CDK_VALIDATION = 'false';
