import { EmfValue, PromptDesign, variantEmf } from '../../shared/prompt-design';
import type { TemplateVersion } from './types';

/**
 * The prompt design of a generation: the one function that says which template, version and variant
 * produced an answer and with which resolved settings. The trace, the response and (through the
 * per-generation record) feedback all carry its result.
 */
export function promptDesign(catalog: string, version: TemplateVersion, rendering: PromptDesign['rendering'], truncatedChars: number): PromptDesign {
  const s = version.inference;
  return {
    catalog,
    template: version.template,
    version: version.version,
    variant: version.variant,
    settings: {
      maxTokens: s.maxTokens,
      temperature: s.temperature,
      topP: s.topP,
      stopSequences: s.stopSequences,
      contextBudgetChars: version.budgetChars,
      truncation: version.truncation,
    },
    rendering,
    truncatedChars,
  };
}

/** What one template request did, for the per-variant metrics. */
export interface VariantOutcome {
  readonly outcome: 'ANSWERED' | 'INPUT_BLOCKED' | 'OUTPUT_BLOCKED' | 'ERROR' | 'CANCELLED';
  /** True when a guardrail or local check intervened (blocked, masked or redacted). */
  readonly intervened: boolean;
  readonly latencyMs: number;
  readonly inputTokens?: number;
  readonly outputTokens?: number;
}

/** The per-variant metrics of one template request, as one EMF line (`GenAI/Prompts`). */
export function variantMetrics(design: PromptDesign, o: VariantOutcome, time: Date): string {
  const values: EmfValue[] = [
    { name: 'Requests', unit: 'Count', value: 1 },
    { name: 'Answered', unit: 'Count', value: o.outcome === 'ANSWERED' ? 1 : 0 },
    { name: 'Blocked', unit: 'Count', value: o.outcome === 'INPUT_BLOCKED' || o.outcome === 'OUTPUT_BLOCKED' ? 1 : 0 },
    { name: 'Interventions', unit: 'Count', value: o.intervened ? 1 : 0 },
    { name: 'Errors', unit: 'Count', value: o.outcome === 'ERROR' ? 1 : 0 },
    { name: 'Truncated', unit: 'Count', value: design.truncatedChars > 0 ? 1 : 0 },
    { name: 'Latency', unit: 'Milliseconds', value: o.latencyMs },
  ];
  if (o.inputTokens !== undefined) values.push({ name: 'InputTokens', unit: 'Count', value: o.inputTokens });
  if (o.outputTokens !== undefined) values.push({ name: 'OutputTokens', unit: 'Count', value: o.outputTokens });
  return variantEmf(design, values, time);
}
