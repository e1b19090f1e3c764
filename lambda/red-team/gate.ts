import * as z from 'zod/mini';

/**
 * The promotion gate: started when the endpoint begins an update (the promotion function's blue/green
 * rollout), it waits until the new fleet's canary takes traffic and bakes, then runs the red-team corpus (and,
 * when configured, the evaluation's bias probes) through the guardrail while the canary serves, and publishes
 * `GateFailed` (1 fail, 0 pass) for the endpoint. The endpoint's rollback alarm on that metric makes SageMaker
 * roll back before traffic shifts beyond the canary. Fails closed: a run that cannot judge by the deadline
 * publishes a failure (TIMED_OUT).
 */
export const GateRequestSchema = z.strictObject({
  endpointName: z.string().check(z.regex(/^[a-zA-Z0-9](-*[a-zA-Z0-9]){0,62}$/)),
  /** When the update started (the EventBridge event's time). */
  startedAt: z.iso.datetime({ offset: true }),
  /** Attempts so far (waits and incomplete runs). */
  attempt: z.optional(z.int().check(z.gte(0), z.lte(10_000))),
});
export type GateRequest = z.infer<typeof GateRequestSchema>;

export type GateOutcome = 'PASSED' | 'FAILED' | 'TIMED_OUT' | 'WAITING' | 'NO_DEPLOYMENT';

export interface EndpointState {
  readonly status: string;
  /** A variant of the pending deployment (the new fleet) is baking: the canary takes traffic. */
  readonly canaryBaking: boolean;
}

export interface GatePorts {
  describeEndpoint(endpointName: string): Promise<EndpointState>;
  /** Puts the request back to look again after `delaySeconds`. */
  requeue(request: GateRequest, delaySeconds: number): Promise<void>;
  /** A red-team run with the gate as trigger; its verdict. */
  runRedTeam(endpointName: string): Promise<'PASS' | 'FAIL' | 'INCOMPLETE'>;
  /** The evaluation's bias probes, when the gate includes them. */
  runEvaluation?(endpointName: string): Promise<'PASS' | 'FAIL' | 'INCOMPLETE'>;
  publish(endpointName: string, failed: boolean): void;
  log(level: 'info' | 'warn', message: string, details: object): void;
  now(): Date;
}

export interface GateOptions {
  /** How long after the update started the gate may take to judge, in seconds. */
  readonly timeoutSeconds: number;
  /** Seconds between two looks at the endpoint while the canary is not baking yet. */
  readonly pollSeconds: number;
}

/** One step of the gate (one invocation): judge, wait, or give up. */
export async function gateStep(request: GateRequest, options: GateOptions, ports: GatePorts): Promise<GateOutcome> {
  const deadline = Date.parse(request.startedAt) + options.timeoutSeconds * 1000;
  const { endpointName } = request;
  const attempt = request.attempt ?? 0;
  const timedOut = (why: string): GateOutcome => {
    ports.publish(endpointName, true);
    ports.log('warn', 'promotion gate timed out', { endpointName, why, attempt });
    return 'TIMED_OUT';
  };
  if (ports.now().getTime() >= deadline) return timedOut('deadline passed before the canary was judged');

  const state = await ports.describeEndpoint(endpointName);
  if (state.status !== 'Updating') {
    // The update finished or rolled back before the gate judged it (or this is a stale message): nothing to gate.
    ports.log('info', 'promotion gate: no deployment in progress', { endpointName, status: state.status, attempt });
    return 'NO_DEPLOYMENT';
  }
  const again = async (why: string): Promise<GateOutcome> => {
    const left = Math.floor((deadline - ports.now().getTime()) / 1000);
    if (left <= options.pollSeconds) return timedOut(why);
    await ports.requeue({ ...request, attempt: attempt + 1 }, options.pollSeconds);
    ports.log('info', 'promotion gate waiting', { endpointName, why, attempt });
    return 'WAITING';
  };
  if (!state.canaryBaking) return again('the canary is not baking yet');

  const redTeam = await ports.runRedTeam(endpointName);
  const evaluation = ports.runEvaluation ? await ports.runEvaluation(endpointName) : 'PASS';
  if (redTeam === 'FAIL' || evaluation === 'FAIL') {
    ports.publish(endpointName, true);
    ports.log('warn', 'promotion gate failed: the endpoint rolls back', { endpointName, redTeam, evaluation });
    return 'FAILED';
  }
  if (redTeam === 'INCOMPLETE' || evaluation === 'INCOMPLETE') return again(`incomplete run (red team ${redTeam}, evaluation ${evaluation})`);
  ports.publish(endpointName, false);
  ports.log('info', 'promotion gate passed', { endpointName, attempt });
  return 'PASSED';
}
