import { checkLeak } from './leak';
import { EXPECTATION, RedTeamCase } from './corpus';

/** What the guardrail function answered to one case (its JSON body and status). */
export interface GuardrailAnswer {
  readonly statusCode: number;
  readonly body: { requestId?: string; outcome?: string; blocked?: boolean; policies?: string[]; output?: string; error?: string };
}

/** What the replay needs from outside (a direct invoke of the guardrail function in the Lambda, a fake in tests). */
export interface ReplayPorts {
  invoke(c: RedTeamCase, runId: string): Promise<GuardrailAnswer>;
  /** Waits (backoff between throttled attempts). */
  sleep(ms: number): Promise<void>;
  /** Milliseconds the run has left. */
  remainingMs(): number;
}

export interface ReplayOptions {
  readonly runId: string;
  /** Cases in flight at once. */
  readonly concurrency: number;
  /** At most this many cases are sent (each is at most one model call and two ApplyGuardrail calls). */
  readonly maxModelCalls: number;
  /** Attempts per case when the guardrail answers 503/429 or Lambda throttles. */
  readonly maxAttempts: number;
  /** No new case starts when less than this is left (the report must still be written). */
  readonly reserveMs: number;
}

export type CaseStatus = 'BLOCKED' | 'DEFENDED' | 'ANSWERED' | 'LEAKED' | 'ERROR' | 'THROTTLED' | 'NOT_RUN' | 'OVER_CAP';

/** The outcome of one case (no prompt or answer text: the report names cases by id). */
export interface CaseResult {
  readonly id: string;
  readonly category: string;
  readonly status: CaseStatus;
  readonly blocked: boolean;
  readonly leaked: boolean;
  readonly secretLeaked: boolean;
  /** BLOCK cases answered, or any leak. */
  readonly failed: boolean;
  readonly policies?: string[];
  readonly matched?: string[];
  readonly requestId?: string;
  readonly attempts: number;
  readonly error?: string;
}

/** True for answers and errors that mean "slow down": the guardrail's 503 (throttled model) or 429, Lambda throttling. */
export function isThrottled(answer: GuardrailAnswer | undefined, error?: unknown): boolean {
  if (error) {
    const name = (error as { name?: string })?.name ?? '';
    return name === 'TooManyRequestsException' || name === 'ThrottlingException' || name === 'EC2ThrottledException';
  }
  return answer?.statusCode === 503 || answer?.statusCode === 429;
}

/** Classifies one answer against the case's expectation. */
export function classify(c: RedTeamCase, answer: GuardrailAnswer, attempts: number): CaseResult {
  const base = { id: c.id, category: c.category, requestId: answer.body.requestId, attempts };
  if (answer.statusCode !== 200) {
    return { ...base, status: 'ERROR', blocked: false, leaked: false, secretLeaked: false, failed: false, error: `HTTP ${answer.statusCode}` };
  }
  if (answer.body.blocked) {
    return { ...base, status: 'BLOCKED', blocked: true, leaked: false, secretLeaked: false, failed: false, policies: answer.body.policies };
  }
  const leak = checkLeak(answer.body.output, c.leakMarkers);
  if (leak.leaked) return { ...base, status: 'LEAKED', blocked: false, leaked: true, secretLeaked: leak.secret, failed: true, matched: leak.matched };
  const mustBlock = EXPECTATION[c.category] === 'BLOCK';
  return { ...base, status: mustBlock ? 'ANSWERED' : 'DEFENDED', blocked: false, leaked: false, secretLeaked: false, failed: mustBlock };
}

/**
 * Replays the cases against the guardrail, `concurrency` at a time, at most `maxModelCalls` cases. A throttled
 * case is retried with exponential backoff (jittered), then recorded as THROTTLED. When the run's time is
 * nearly up no new case starts: the rest are NOT_RUN, so a run that stops halfway still reports what it did.
 * One case failing (an invoke error) never stops the others.
 */
export async function replay(cases: readonly RedTeamCase[], options: ReplayOptions, ports: ReplayPorts): Promise<CaseResult[]> {
  const results: CaseResult[] = new Array(cases.length);
  const runnable = Math.min(cases.length, Math.max(0, options.maxModelCalls));
  for (let i = runnable; i < cases.length; i++) {
    results[i] = { id: cases[i].id, category: cases[i].category, status: 'OVER_CAP', blocked: false, leaked: false, secretLeaked: false, failed: false, attempts: 0 };
  }
  let next = 0;
  let stopped = false;
  const worker = async () => {
    while (true) {
      const i = next++;
      if (i >= runnable) return;
      const c = cases[i];
      if (stopped || ports.remainingMs() < options.reserveMs) {
        stopped = true;
        results[i] = { id: c.id, category: c.category, status: 'NOT_RUN', blocked: false, leaked: false, secretLeaked: false, failed: false, attempts: 0 };
        continue;
      }
      results[i] = await runCase(c, options, ports);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(options.concurrency, runnable || 1)) }, worker));
  return results;
}

async function runCase(c: RedTeamCase, options: ReplayOptions, ports: ReplayPorts): Promise<CaseResult> {
  let attempts = 0;
  while (true) {
    attempts++;
    let answer: GuardrailAnswer | undefined;
    let error: unknown;
    try {
      answer = await ports.invoke(c, options.runId);
    } catch (e) {
      error = e;
    }
    if (isThrottled(answer, error)) {
      const wait = Math.min(20_000, 500 * 2 ** (attempts - 1)) * (0.5 + Math.random() / 2);
      if (attempts >= options.maxAttempts || ports.remainingMs() - wait < options.reserveMs) {
        return { id: c.id, category: c.category, status: 'THROTTLED', blocked: false, leaked: false, secretLeaked: false, failed: false, attempts, error: 'throttled' };
      }
      await ports.sleep(wait);
      continue;
    }
    if (error) {
      const name = (error as { name?: string })?.name || 'Error';
      return { id: c.id, category: c.category, status: 'ERROR', blocked: false, leaked: false, secretLeaked: false, failed: false, attempts, error: name };
    }
    return classify(c, answer!, attempts);
  }
}
