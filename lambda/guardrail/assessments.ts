import type { ApplyGuardrailCommandOutput, GuardrailAssessment } from '@aws-sdk/client-bedrock-runtime';

/** What one ApplyGuardrail call decided, reduced to what the pipeline, the trace and the metrics need. */
export interface GuardrailVerdict {
  /** True when the guardrail intervened. */
  readonly intervened: boolean;
  /** True when a policy blocked the text (as opposed to only masking PII). */
  readonly blocked: boolean;
  /** Policies that blocked, e.g. `CONTENT:PROMPT_ATTACK`, `TOPIC:Investment advice`, `PII:US_SOCIAL_SECURITY_NUMBER`. */
  readonly blockedPolicies: string[];
  /** Policies that masked text, e.g. `PII:EMAIL`. */
  readonly anonymizedPolicies: string[];
  /** The text to continue with when the guardrail only masked (or the blocked message when it blocked). */
  readonly outputText?: string;
  /** Contextual grounding scores, when the check ran. */
  readonly grounding?: { readonly score?: number; readonly threshold?: number; readonly relevance?: number; readonly relevanceThreshold?: number };
  /** Every assessment as a compact, text-free record for the trace (no matched text). */
  readonly assessments: { readonly policy: string; readonly action: string; readonly confidence?: string; readonly score?: number }[];
}

function push(v: { policy: string; action: string; confidence?: string; score?: number }[], policy: string, action: string | undefined, extra: { confidence?: string; score?: number } = {}) {
  v.push({ policy, action: action ?? 'NONE', ...extra });
}

function flatten(a: GuardrailAssessment): { policy: string; action: string; confidence?: string; score?: number }[] {
  const out: { policy: string; action: string; confidence?: string; score?: number }[] = [];
  for (const t of a.topicPolicy?.topics ?? []) push(out, `TOPIC:${t.name}`, t.action);
  for (const f of a.contentPolicy?.filters ?? []) push(out, `CONTENT:${f.type}`, f.action, { confidence: f.confidence });
  for (const w of a.wordPolicy?.customWords ?? []) push(out, 'WORDS:CUSTOM', w.action);
  for (const w of a.wordPolicy?.managedWordLists ?? []) push(out, `WORDS:${w.type}`, w.action);
  for (const p of a.sensitiveInformationPolicy?.piiEntities ?? []) push(out, `PII:${p.type}`, p.action);
  for (const r of a.sensitiveInformationPolicy?.regexes ?? []) push(out, `REGEX:${r.name}`, r.action);
  for (const g of a.contextualGroundingPolicy?.filters ?? []) push(out, `GROUNDING:${g.type}`, g.action, { score: g.score });
  return out;
}

/**
 * Reduces an ApplyGuardrail response. Matched text never leaves this function.
 *
 * Fails closed: any action but `NONE` (a missing or unknown one included) is an intervention; any BLOCKED
 * assessment blocks, whatever the action says; an intervention is only a mask (the text goes on) when every
 * recognised policy anonymized and the guardrail returned the masked text — a mask without text blocks, so
 * the unmasked text can never go on.
 */
export function verdictOf(response: Pick<ApplyGuardrailCommandOutput, 'action' | 'outputs' | 'assessments'>): GuardrailVerdict {
  const assessments = (response.assessments ?? []).flatMap(flatten);
  const blockedPolicies = [...new Set(assessments.filter((x) => x.action === 'BLOCKED').map((x) => x.policy))];
  const anonymizedPolicies = [...new Set(assessments.filter((x) => x.action === 'ANONYMIZED').map((x) => x.policy))];
  const intervened = response.action !== 'NONE' || blockedPolicies.length > 0;
  let grounding: GuardrailVerdict['grounding'];
  for (const a of response.assessments ?? []) {
    for (const f of a.contextualGroundingPolicy?.filters ?? []) {
      grounding ??= {};
      grounding = f.type === 'GROUNDING' ? { ...grounding, score: f.score, threshold: f.threshold } : { ...grounding, relevance: f.score, relevanceThreshold: f.threshold };
    }
  }
  const outputText = response.outputs?.map((o) => o.text ?? '').join('') || undefined;
  const maskOnly = response.action === 'GUARDRAIL_INTERVENED' && blockedPolicies.length === 0 && anonymizedPolicies.length > 0 && outputText !== undefined;
  const blocked = intervened && !maskOnly;
  let reasons = blockedPolicies;
  if (blocked && reasons.length === 0) reasons = anonymizedPolicies.length > 0 && outputText === undefined ? ['GUARDRAIL:MASKED_WITHOUT_TEXT'] : ['GUARDRAIL:UNSPECIFIED'];
  return {
    intervened,
    blocked,
    blockedPolicies: reasons,
    anonymizedPolicies,
    outputText,
    grounding,
    assessments,
  };
}
