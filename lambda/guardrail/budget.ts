/**
 * The time budget of one request: every downstream call gets the smaller of its configured timeout and what
 * the function has left minus a reserve for recording (encrypting, writing the trace, queueing a review), so
 * a trace is written even when the model or the guardrail is slow. Timeouts come from
 * `context.getRemainingTimeInMillis()`, not from the configured timeouts added up (which, with retries, can
 * exceed the function timeout).
 */

/** A call that would get less than this is not made: it could not finish, and the reserve must stay. */
export const MIN_CALL_MS = 250;
/** Kept back from the recording calls themselves, for the handler to return in time. */
export const SAFETY_MARGIN_MS = 300;

/** Thrown instead of making a call the remaining time cannot accommodate (answered like a timeout: 503). */
export class BudgetExhaustedError extends Error {
  constructor(stage: string) {
    super(`no time left for ${stage}`);
    this.name = 'BudgetExhausted';
  }
}

/** The budget of one request. */
export class Budget {
  /** The timeout given to each stage (recorded in the trace). */
  readonly granted: { [stage: string]: number } = {};

  /**
   * @param remainingMs time the function has left (Lambda's `getRemainingTimeInMillis`)
   * @param reserveMs kept for recording the request after its calls (trace and review)
   */
  constructor(
    private readonly remainingMs: () => number,
    private readonly reserveMs: number,
  ) {}

  /**
   * The timeout of a call before recording: `configuredMs`, cut so the reserve (and `keepMs` for calls that
   * must still follow, e.g. the guardrail on the end of a streamed answer) remains; throws when too little is left.
   */
  call(stage: string, configuredMs: number, keepMs = 0): number {
    const ms = Math.floor(Math.min(configuredMs, this.remainingMs() - this.reserveMs - keepMs));
    if (!(ms >= MIN_CALL_MS)) throw new BudgetExhaustedError(stage);
    this.granted[stage] = ms;
    return ms;
  }

  /** The timeout of a recording call (trace, review): `configuredMs`, cut to what is left minus a safety margin. */
  record(stage: string, configuredMs: number): number {
    const ms = Math.max(1, Math.floor(Math.min(configuredMs, this.remainingMs() - SAFETY_MARGIN_MS)));
    this.granted[stage] = ms;
    return ms;
  }
}
