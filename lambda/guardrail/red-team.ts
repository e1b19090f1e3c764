/**
 * Red-team traffic: the red-team function invokes the guardrail function directly with a marker in a
 * top-level field of the event. API Gateway's proxy integration builds the event itself (resource, path,
 * headers, body, requestContext ...): a caller of the API controls the body and headers, never a top-level
 * field, so the marker cannot be forged through the API. An event with the marker and a `requestContext`
 * is refused all the same.
 *
 * Marked requests are answered like any other, but their request id (`redteam.<run>.<case>`) has a character
 * feedback never accepts (so no feedback can bind to them and reach training), their traces go to a partition
 * of their own with the marker in the record, their metrics carry the dimension `traffic=red-team` (so the
 * production alarms never count them), and the function does not queue them for review (the red-team
 * function queues the cases that fail).
 */

/** The top-level event field of the marker. */
export const RED_TEAM_FIELD = 'genaiRedTeam';
/** The trace partition of red-team requests, under the trace prefix. */
export const RED_TEAM_TRACE_PARTITION = 'red-team/';
/** The metric dimension of red-team requests. */
export const RED_TEAM_DIMENSION = { traffic: 'red-team' } as const;

/** Who sent a red-team request and which case it is. */
export interface RedTeamMarker {
  readonly runId: string;
  readonly caseId: string;
  readonly category: string;
}

export type MarkerResult = { readonly kind: 'none' } | { readonly kind: 'red-team'; readonly marker: RedTeamMarker } | { readonly kind: 'invalid'; readonly error: string };

const RUN_ID = /^[A-Za-z0-9-]{8,64}$/;
const CASE_ID = /^[A-Za-z0-9_-]{1,64}$/;
const CATEGORY = /^[A-Z][A-Z_]{0,39}$/;

/** Reads the marker of a direct invoke; `none` for API Gateway events. */
export function redTeamMarker(event: unknown): MarkerResult {
  if (typeof event !== 'object' || event === null || !Object.prototype.hasOwnProperty.call(event, RED_TEAM_FIELD)) return { kind: 'none' };
  const e = event as { [key: string]: unknown };
  if (e.requestContext !== undefined) return { kind: 'invalid', error: 'a red-team marker is only accepted on a direct invoke' };
  const m = e[RED_TEAM_FIELD] as { [key: string]: unknown } | null;
  if (typeof m !== 'object' || m === null) return { kind: 'invalid', error: 'invalid red-team marker' };
  const { runId, caseId, category } = m;
  if (typeof runId !== 'string' || !RUN_ID.test(runId) || typeof caseId !== 'string' || !CASE_ID.test(caseId) || typeof category !== 'string' || !CATEGORY.test(category)) {
    return { kind: 'invalid', error: 'invalid red-team marker' };
  }
  return { kind: 'red-team', marker: { runId, caseId, category } };
}

/** The request id of a red-team case: `redteam.<run>.<case>` (the dots keep feedback from binding to it). */
export function redTeamRequestId(marker: RedTeamMarker): string {
  return `redteam.${marker.runId}.${marker.caseId}`;
}
