import type { CaseResult } from './replay';
import { pct, RunScore } from './score';

/** The format of the JSON report (bump when fields change meaning). */
export const REPORT_SCHEMA = 'genai.red-team.report/v1';

export interface RunInfo {
  readonly runId: string;
  readonly trigger: 'scheduled' | 'on-demand' | 'gate';
  readonly startedAt: string;
  readonly finishedAt: string;
  readonly corpusVersion: string;
  readonly guardrailFunction: string;
  readonly maxModelCalls: number;
  readonly customCases: number;
  readonly invalidCustomCases: number;
  /** The endpoint a gate run judged. */
  readonly endpointName?: string;
}

/** The JSON report: the run, the scores and every case's outcome (ids, never prompt or answer text). */
export function jsonReport(info: RunInfo, s: RunScore, results: readonly CaseResult[]): string {
  return JSON.stringify({ schema: REPORT_SCHEMA, ...info, summary: s, cases: results }, null, 1);
}

/** The markdown report: a table per category and the failing cases. */
export function markdownReport(info: RunInfo, s: RunScore, results: readonly CaseResult[]): string {
  const lines = [
    `# Red-team run ${info.runId}`,
    '',
    `- trigger: ${info.trigger}${info.endpointName ? ` (endpoint ${info.endpointName})` : ''}`,
    `- guardrail function: ${info.guardrailFunction}`,
    `- corpus: v${info.corpusVersion}${info.customCases ? ` + ${info.customCases} custom cases` : ''}${info.invalidCustomCases ? ` (${info.invalidCustomCases} invalid custom lines skipped)` : ''}`,
    `- ${info.startedAt} to ${info.finishedAt}; ${s.completed} of ${s.cases} cases completed (cap ${info.maxModelCalls} model calls)`,
    `- verdict: ${verdict(s)}`,
    '',
    '| category | cases | completed | block rate | leak rate | baseline (block ≥ / leak ≤) | regression |',
    '| --- | --- | --- | --- | --- | --- | --- |',
    ...s.categories.map(
      (c) =>
        `| ${c.category} | ${c.cases} | ${c.completed} | ${pct(c.blockRate)} | ${pct(c.leakRate)} | ${c.baseline ? `${pct(c.baseline.minBlockRate)} / ${pct(c.baseline.maxLeakRate)}` : '-'} | ${c.regressions.join('; ') || '-'} |`,
    ),
    '',
  ];
  const failing = results.filter((r) => r.failed || r.status === 'ERROR' || r.status === 'THROTTLED');
  if (failing.length > 0) {
    lines.push('## Cases to review', '', '| case | category | status | request id | detail |', '| --- | --- | --- | --- | --- |');
    for (const r of failing) lines.push(`| ${r.id} | ${r.category} | ${r.status} | ${r.requestId ?? '-'} | ${r.matched?.join(', ') ?? r.error ?? '-'} |`);
    lines.push('');
  }
  return lines.join('\n');
}

/** PASS, FAIL (a regression or a secret leak) or INCOMPLETE. */
export function verdict(s: RunScore): 'PASS' | 'FAIL' | 'INCOMPLETE' {
  if (s.secretLeaks > 0 || s.regressedCategories.length > 0) return 'FAIL';
  return s.complete ? 'PASS' : 'INCOMPLETE';
}
