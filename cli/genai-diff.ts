/**
 * genai-diff: synthesizes a CDK app and compares every stack with its committed baseline template.
 * Exit 0: nothing broadens security; 1: something does; 2: the app failed to synthesize or the tool failed.
 * Bundled by scripts/bundle-cli.mjs into dist/cli/genai-diff.js, the package's `genai-diff` bin.
 */
import { main } from './commands';

/** Replaced with the package version when the CLI is bundled. */
declare const GENAI_DIFF_VERSION: string | undefined;

process.exitCode = main(process.argv.slice(2), {
  stdout: (text) => process.stdout.write(text),
  stderr: (text) => process.stderr.write(text),
  version: typeof GENAI_DIFF_VERSION === 'string' ? GENAI_DIFF_VERSION : 'development',
});
