/** The command line of genai-diff. */
import { GenaiDiffError } from './assembly';

/** A parsed command line. */
export interface Args {
  readonly command: 'baseline' | 'check' | 'help' | 'version';
  /** The app directory (default: the working directory). */
  readonly dir: string;
  /** `KEY=VALUE` pairs given with -c / --context, in order. */
  readonly context: string[];
  readonly baselineDir?: string;
  readonly report?: string;
  readonly markdown?: string;
  readonly assembly?: string;
  readonly output?: string;
  readonly app?: string;
}

/** What `genai-diff --help` prints. */
export const HELP = `genai-diff: synthesize a CDK app and fail CI when a change broadens security

Usage:
  npx genai-diff baseline [options]   synthesize once and write one baseline template per stack
                                      (baseline/<artifact id>.template.json; stage and nested
                                      stacks included); commit the baseline directory
  npx genai-diff check [options]      synthesize once and compare every stack with its baseline,
                                      each on its own (stacks may depend on each other); prints a
                                      markdown summary for a PR comment and writes a JSON report

Options:
  -c, --context KEY=VALUE  context for the app, passed to "cdk synth" (repeatable)
  --dir DIR                the CDK app directory, where cdk.json is (default: .)
  --baseline-dir DIR       where the baseline templates are (default: DIR/baseline)
  --report FILE            check: the JSON report (default: DIR/genai-diff-report.json)
  --markdown FILE          check: also write the markdown summary to FILE
  --assembly DIR           read an existing cloud assembly (e.g. cdk.out) instead of synthesizing
  --output DIR             keep the synthesized cloud assembly in DIR (default: a temporary directory)
  --app COMMAND            the app command for "cdk synth --app" instead of the one in cdk.json
  -h, --help               this text
  --version                the version of genai-diff

What counts as broadening: an IAM statement that allows more (identity policies, inline role
policies, managed policies and their attachments, permissions boundaries removed), a trust or
resource policy that allows more (keys, buckets, queues, topics, secrets, APIs ...) or a Deny
that applies to less, a new Lambda permission, a security group rule that lets more traffic in
or out, API Gateway authorization removed or changed, a Lambda function URL without auth, an S3
public access block turned off. A stack without a baseline is compared with an empty template.

Synthesis uses the app's own CDK CLI (node_modules/.bin/cdk, else npx cdk) with --quiet,
--no-lookups and no notices or telemetry: it needs no AWS credentials and no network. Context
lookups must already be in cdk.context.json (commit it).

Exit codes:
  0  nothing broadens security (check), or the baselines were written (baseline)
  1  at least one stack broadens security; the summary names each change per stack
  2  the app failed to synthesize, or genai-diff failed or was called wrongly (says which);
     never reported as broadening
`;

const VALUE_OPTIONS: Record<string, keyof Args> = {
  '--dir': 'dir',
  '--baseline-dir': 'baselineDir',
  '--report': 'report',
  '--markdown': 'markdown',
  '--assembly': 'assembly',
  '--output': 'output',
  '--app': 'app',
};

/** Parses the arguments after `genai-diff`; throws a `tool` error that says what is wrong. */
export function parseArgs(argv: string[]): Args {
  const values: Record<string, string> = {};
  const context: string[] = [];
  let command: Args['command'] | undefined;
  const usage = (message: string) => new GenaiDiffError('tool', `${message}. Run "genai-diff --help" for the usage.`);
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    const eq = arg.startsWith('--') ? arg.indexOf('=') : -1;
    const name = eq > 0 ? arg.slice(0, eq) : arg;
    const inline = eq > 0 ? arg.slice(eq + 1) : undefined;
    const next = () => {
      if (inline !== undefined) return inline;
      const v = argv[++i];
      if (v === undefined) throw usage(`${name} needs a value`);
      return v;
    };
    if (name === '-h' || name === '--help' || name === 'help') return { command: 'help', dir: '.', context: [] };
    if (name === '--version') return { command: 'version', dir: '.', context: [] };
    if (name === '-c' || name === '--context') {
      const pair = next();
      if (!/^[^=]+=/.test(pair)) throw usage(`Context "${pair}" is not KEY=VALUE`);
      context.push(pair);
    } else if (VALUE_OPTIONS[name]) {
      values[VALUE_OPTIONS[name]] = next();
    } else if (name.startsWith('-')) {
      throw usage(`Unknown option ${name}`);
    } else if (command === undefined && (name === 'baseline' || name === 'check')) {
      command = name;
    } else {
      throw usage(command === undefined ? `Unknown command "${name}": use "baseline" or "check"` : `Unexpected argument "${name}"`);
    }
  }
  if (!command) throw usage('Missing command: use "genai-diff baseline" or "genai-diff check"');
  if (values.assembly && (values.output || values.app || context.length > 0)) {
    throw usage('--assembly reads an app that is already synthesized; -c, --app and --output only apply when genai-diff synthesizes');
  }
  return { command, dir: values.dir ?? '.', context, ...values };
}
