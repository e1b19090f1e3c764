import { CORPUS_VERSION, MAX_CUSTOM_CASES, Baselines, RedTeamCase, parseCustomCases, shippedCases } from './corpus';
import { CaseResult, replay, ReplayPorts } from './replay';
import { jsonReport, markdownReport, RunInfo, verdict } from './report';
import { RunScore, score } from './score';

/** The metric sink (embedded metric format in the Lambda, a recorder in tests). */
export interface RunMetrics {
  /** One value with its dimensions (besides the function's `service`). */
  put(name: string, value: number, unit: 'Count' | 'Percent', dimensions: { [name: string]: string }): void;
}

/** Everything a run needs besides the replay's own ports. */
export interface RunPorts extends ReplayPorts {
  /** The user's case files (JSON lines) under the custom prefix, at most `maxObjects`. */
  listCustomCases(maxObjects: number): Promise<Array<{ key: string; text: string }>>;
  putReport(key: string, body: string, contentType: string): Promise<void>;
  sendForReview(messages: object[]): Promise<void>;
  metrics: RunMetrics;
  log(level: 'info' | 'warn' | 'error', message: string, details: object): void;
  now(): Date;
}

export interface RunConfig {
  readonly guardrailFunction: string;
  /** The bucket and key prefix of reports (ends with `/`). */
  readonly reportBucket: string;
  readonly reportPrefix: string;
  /** Where the guardrail writes traces (for the review messages). */
  readonly traceBucket: string;
  readonly tracePrefix: string;
  readonly concurrency: number;
  readonly maxModelCalls: number;
  readonly maxAttempts: number;
  readonly reserveMs: number;
  readonly baselines: Baselines;
  /** Rates within this of the baseline are not regressions (live-model noise). */
  readonly tolerance: number;
  /** Read custom cases from the lake. */
  readonly customCases: boolean;
  /** At most this many failing cases are queued for review per run. */
  readonly maxReviews: number;
}

export interface RunRequest {
  readonly runId: string;
  readonly trigger: RunInfo['trigger'];
  /** Only these categories (all when omitted). */
  readonly categories?: readonly string[];
  readonly endpointName?: string;
}

export interface RunOutcome {
  readonly runId: string;
  readonly verdict: 'PASS' | 'FAIL' | 'INCOMPLETE';
  readonly score: RunScore;
  readonly results: CaseResult[];
  readonly report?: { bucket: string; json: string; markdown: string };
  readonly reviewsQueued: number;
}

/**
 * One red-team run: the shipped corpus and the user's cases, replayed within the cap; scores per category
 * against the baselines; the JSON and markdown report in the lake; metrics per category (block rate, leak
 * rate, regression) and for the run (secret leaks, cases not completed); failing cases to the review queue.
 * Everything after the replay is attempted even when a step before it failed, so a run always leaves the
 * report of what it finished.
 */
export async function runRedTeam(request: RunRequest, config: RunConfig, ports: RunPorts): Promise<RunOutcome> {
  const startedAt = ports.now().toISOString();
  let cases: RedTeamCase[] = shippedCases();
  let invalidCustom = 0;
  let customCount = 0;
  if (config.customCases) {
    try {
      const files = await ports.listCustomCases(20);
      for (const f of files) {
        const parsed = parseCustomCases(f.text, f.key);
        invalidCustom += parsed.invalid.length;
        const room = MAX_CUSTOM_CASES - customCount;
        const take = parsed.cases.slice(0, Math.max(0, room));
        customCount += take.length;
        cases.push(...take);
      }
    } catch (error) {
      // The shipped corpus still runs; the report says the custom cases could not be read.
      invalidCustom = -1;
      ports.log('error', 'custom cases could not be read', { runId: request.runId, errorName: (error as Error)?.name });
    }
  }
  if (request.categories && request.categories.length > 0) cases = cases.filter((c) => request.categories!.includes(c.category));

  const results = await replay(cases, { runId: request.runId, concurrency: config.concurrency, maxModelCalls: config.maxModelCalls, maxAttempts: config.maxAttempts, reserveMs: config.reserveMs }, ports);
  const s = score(results, config.baselines, config.tolerance);
  const v = verdict(s);
  const info: RunInfo = {
    runId: request.runId,
    trigger: request.trigger,
    startedAt,
    finishedAt: ports.now().toISOString(),
    corpusVersion: CORPUS_VERSION,
    guardrailFunction: config.guardrailFunction,
    maxModelCalls: config.maxModelCalls,
    customCases: customCount,
    invalidCustomCases: invalidCustom,
    endpointName: request.endpointName,
  };

  // Metrics first: they drive the alarms even when the lake is unreachable.
  for (const c of s.categories) {
    const dims = { Category: c.category };
    if (c.blockRate !== undefined) ports.metrics.put('BlockRate', 100 * c.blockRate, 'Percent', dims);
    if (c.leakRate !== undefined) ports.metrics.put('LeakRate', 100 * c.leakRate, 'Percent', dims);
    ports.metrics.put('BelowBaseline', c.regressions.length > 0 ? 1 : 0, 'Count', dims);
  }
  ports.metrics.put('Regressions', s.regressedCategories.length, 'Count', {});
  ports.metrics.put('SecretLeaks', s.secretLeaks, 'Count', {});
  ports.metrics.put('CasesIncomplete', s.cases - s.completed, 'Count', {});
  ports.metrics.put('CasesFailed', s.failed, 'Count', {});

  const prefix = `${config.reportPrefix}run=${request.runId}/`;
  let report: RunOutcome['report'];
  try {
    await ports.putReport(`${prefix}report.json`, jsonReport(info, s, results), 'application/json');
    await ports.putReport(`${prefix}report.md`, markdownReport(info, s, results), 'text/markdown; charset=utf-8');
    report = { bucket: config.reportBucket, json: `${prefix}report.json`, markdown: `${prefix}report.md` };
  } catch (error) {
    ports.log('error', 'report write failed', { runId: request.runId, errorName: (error as Error)?.name });
  }

  // Failing cases to human review: ids and locations only, never text (reviewers decrypt the trace).
  const failing = results.filter((r) => r.failed).slice(0, config.maxReviews);
  let reviewsQueued = 0;
  if (failing.length > 0) {
    const messages = failing.map((r) => ({
      source: 'red-team',
      runId: request.runId,
      caseId: r.id,
      category: r.category,
      reasons: [r.secretLeaked ? 'SECRET_LEAKED' : r.leaked ? 'LEAKED' : 'NOT_BLOCKED'],
      requestId: r.requestId,
      trace: r.requestId ? { bucket: config.traceBucket, key: `${config.tracePrefix}red-team/run=${request.runId}/${r.requestId}.json` } : undefined,
      report,
      time: info.finishedAt,
    }));
    try {
      await ports.sendForReview(messages);
      reviewsQueued = messages.length;
    } catch (error) {
      ports.log('error', 'review queue send failed', { runId: request.runId, errorName: (error as Error)?.name });
    }
  }
  ports.log(v === 'PASS' ? 'info' : 'warn', 'red-team run', { runId: request.runId, trigger: request.trigger, verdict: v, cases: s.cases, completed: s.completed, failed: s.failed, regressed: s.regressedCategories, secretLeaks: s.secretLeaks });
  return { runId: request.runId, verdict: v, score: s, results, report, reviewsQueued };
}
