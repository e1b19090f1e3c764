/** The results of `genai-diff check`: the JSON report and its markdown summary for a PR comment. */
import { Broadening, KIND_LABELS } from './findings';
import { ResourceDiff } from './template';

/** Exit codes of genai-diff. */
export const EXIT = {
  /** Nothing broadens security (or the baseline was written). */
  OK: 0,
  /** At least one stack broadens security. */
  BROADENS: 1,
  /** The app failed to synthesize, or genai-diff itself failed or was called wrongly. */
  ERROR: 2,
} as const;

/** One stack compared with its baseline. */
export interface StackReport {
  /** The artifact id (the nested template's name for a nested stack). */
  readonly id: string;
  readonly displayName: string;
  /** The baseline file it was compared with (relative to the working directory when possible). */
  readonly baselineFile: string;
  /** True when there was no baseline and the stack was compared with an empty template. */
  readonly baselineMissing: boolean;
  readonly dependencies: string[];
  readonly resources: ResourceDiff;
  readonly broadenings: Broadening[];
}

/** The JSON report `genai-diff check` writes (`--report`, default genai-diff-report.json). */
export interface Report {
  readonly tool: 'genai-diff';
  /** Changes only when a field is removed or changes meaning. */
  readonly schemaVersion: 1;
  readonly command: 'check';
  /** `pass` (exit 0), `broadens` (exit 1) or `error` (exit 2). */
  readonly result: 'pass' | 'broadens' | 'error';
  readonly exitCode: number;
  readonly appDir: string;
  readonly baselineDir: string;
  /** Context values passed with -c. */
  readonly context: Record<string, string>;
  /** The CDK CLI used to synthesize, or `null` when an existing cloud assembly was read (--assembly). */
  readonly cdk: string | null;
  readonly synthSeconds: number | null;
  readonly stacks: StackReport[];
  /** Baseline files that no stack of this synthesis uses (a removed stack, or one not selected by context). */
  readonly baselinesWithoutStack: string[];
  /** Set when result is `error`. */
  readonly error?: { readonly kind: 'synth' | 'tool'; readonly message: string; readonly output?: string };
}

const MAX_BROADENINGS = 100;
const MAX_RESOURCES = 150;
const MAX_DESCRIPTION = 600;

/** Text that markdown shows as written (no emphasis, links or tables from `*`, `_`, `[`, `|` ...). */
export function escapeMarkdown(text: string): string {
  return text.replace(/[\\`*_[\]<>|~#]/g, '\\$&');
}

/** A code span: shown as written in markdown and readable on a console; survives backticks inside. */
function code(text: string): string {
  const flat = text.replace(/\s*\n\s*/g, ' ');
  return flat.includes('`') ? `\`\` ${flat} \`\`` : `\`${flat}\``;
}

function truncate(text: string, max: number): string {
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

function stackTitle(s: StackReport): string {
  return s.displayName === s.id ? code(s.id) : `${code(s.displayName)} (${code(s.id)})`;
}

function hasChanges(s: StackReport): boolean {
  const r = s.resources;
  return s.baselineMissing || r.added.length + r.removed.length + r.changed.length + r.otherSections.length > 0 || s.broadenings.length > 0;
}

function resourceTable(s: StackReport): string[] {
  const r = s.resources;
  const rows = [
    ...r.added.map((x) => `| added | ${code(x.logicalId)} | ${x.type} | |`),
    ...r.removed.map((x) => `| removed | ${code(x.logicalId)} | ${x.type} | |`),
    ...r.changed.map((x) => `| changed | ${code(x.logicalId)} | ${x.previousType ? `${x.previousType} → ${x.type}` : x.type} | ${escapeMarkdown([...x.properties, ...x.attributes].join(', '))} |`),
  ];
  if (rows.length === 0) return r.otherSections.length ? [`Other sections changed: ${r.otherSections.join(', ')}.`, ''] : [];
  const shown = rows.slice(0, MAX_RESOURCES);
  return [
    `<details><summary>Resources: ${r.added.length} added, ${r.removed.length} removed, ${r.changed.length} changed</summary>`,
    '',
    '| | Logical ID | Type | What changed |',
    '| --- | --- | --- | --- |',
    ...shown,
    ...(rows.length > shown.length ? [`| | … ${rows.length - shown.length} more in the JSON report | | |`] : []),
    '',
    ...(r.otherSections.length ? [`Other sections changed: ${r.otherSections.join(', ')}.`, ''] : []),
    '</details>',
    '',
  ];
}

/** The markdown summary of a report, for the console and for a pull-request comment. */
export function renderMarkdown(report: Report): string {
  const lines: string[] = [];
  if (report.result === 'error') {
    const what = report.error?.kind === 'synth' ? 'the app failed to synthesize' : 'genai-diff failed';
    lines.push(`## genai-diff: ${what} (exit ${report.exitCode})`, '', escapeMarkdown(report.error?.message ?? ''), '');
    if (report.error?.output) lines.push('```', report.error.output.replace(/```/g, "'''"), '```', '');
    lines.push('No stack was compared, so this says nothing about security either way.');
    return `${lines.join('\n')}\n`;
  }
  const broadening = report.stacks.filter((s) => s.broadenings.length > 0);
  lines.push(broadening.length > 0
    ? `## genai-diff: security broadens in ${broadening.length} of ${report.stacks.length} stack${report.stacks.length === 1 ? '' : 's'} (exit 1)`
    : `## genai-diff: nothing broadens security in ${report.stacks.length} stack${report.stacks.length === 1 ? '' : 's'} (exit 0)`);
  lines.push('');
  lines.push('| Stack | Added | Removed | Changed | Broadens security |', '| --- | ---: | ---: | ---: | --- |');
  for (const s of report.stacks) {
    const r = s.resources;
    const verdict = s.broadenings.length > 0 ? `**yes: ${s.broadenings.length}**` : 'no';
    lines.push(`| ${stackTitle(s)}${s.baselineMissing ? ' (no baseline)' : ''} | ${r.added.length} | ${r.removed.length} | ${r.changed.length} | ${verdict} |`);
  }
  lines.push('');
  for (const s of report.stacks.filter(hasChanges)) {
    lines.push(`### ${stackTitle(s)}`, '');
    if (s.baselineMissing) {
      lines.push(`> No baseline (${code(s.baselineFile)}): compared with an empty template, so everything security-relevant in the stack counts as broadening. If the stack is new and meant to be, run ${code('npx genai-diff baseline')} and commit the baseline directory.`, '');
    }
    if (s.broadenings.length > 0) {
      lines.push(`**${s.broadenings.length} change${s.broadenings.length === 1 ? '' : 's'} broaden${s.broadenings.length === 1 ? 's' : ''} security:**`, '');
      for (const b of s.broadenings.slice(0, MAX_BROADENINGS)) {
        lines.push(`- ${KIND_LABELS[b.kind]} in ${code(b.logicalId)} (${b.resourceType}): ${code(truncate(b.description, MAX_DESCRIPTION))}`);
      }
      if (s.broadenings.length > MAX_BROADENINGS) lines.push(`- … ${s.broadenings.length - MAX_BROADENINGS} more in the JSON report`);
      lines.push('');
    } else {
      lines.push('Nothing in this stack broadens security.', '');
    }
    lines.push(...resourceTable(s));
  }
  if (report.baselinesWithoutStack.length > 0) {
    lines.push(`Baselines without a stack in this synthesis (not checked): ${report.baselinesWithoutStack.map(code).join(', ')}. Delete them if the stack is gone.`, '');
  }
  if (broadening.length > 0) {
    lines.push(`If the broadening is intended, run ${code('npx genai-diff baseline')} and commit the baseline directory in the same pull request, so that reviewers see it in the diff.`);
  }
  return `${lines.join('\n').trimEnd()}\n`;
}
