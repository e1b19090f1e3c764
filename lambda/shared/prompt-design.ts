/**
 * The prompt design of one generation (issue 18): which template, version and variant produced an answer
 * and with which settings. The guardrail function computes it (lambda/guardrail/prompts/design.ts) and puts
 * it in the trace and the response; feedback records and per-variant metrics carry the same fields.
 */
export interface PromptDesign {
  /** The catalog's name (the `Catalog` metric dimension). */
  readonly catalog: string;
  readonly template: string;
  /** The Bedrock prompt version number. */
  readonly version: string;
  readonly variant: string;
  /** The inference settings and context budget the version resolved to. */
  readonly settings: {
    readonly maxTokens?: number;
    readonly temperature?: number;
    readonly topP?: number;
    readonly stopSequences?: readonly string[];
    readonly contextBudgetChars: number;
    readonly truncation: string;
  };
  /** `bedrock`: Converse rendered the prompt version; `function`: the function rendered it. */
  readonly rendering: 'bedrock' | 'function';
  /** Characters cut from variables to fit the context budget (0 when nothing was cut). */
  readonly truncatedChars: number;
}

/** The CloudWatch namespace of the per-variant metrics (dimensions `Catalog`, `Template`, `Variant`). */
export const PROMPT_METRICS_NAMESPACE = 'GenAI/Prompts';

/** One metric value of an EMF document. */
export interface EmfValue {
  readonly name: string;
  readonly unit: 'Count' | 'Milliseconds' | 'None';
  readonly value: number;
}

/**
 * One CloudWatch embedded-metric-format document (a log line) with the design's dimensions. Dimensions are
 * the catalog, template and variant only, so the number of metric series is bounded by the catalog (its
 * templates and variants are fixed at synth), never by callers.
 */
export function variantEmf(design: Pick<PromptDesign, 'catalog' | 'template' | 'variant'>, values: readonly EmfValue[], time: Date): string {
  const doc: { [key: string]: unknown } = {
    _aws: {
      Timestamp: time.getTime(),
      CloudWatchMetrics: [
        {
          Namespace: PROMPT_METRICS_NAMESPACE,
          Dimensions: [['Catalog', 'Template', 'Variant']],
          Metrics: values.map((v) => ({ Name: v.name, Unit: v.unit })),
        },
      ],
    },
    Catalog: design.catalog,
    Template: design.template,
    Variant: design.variant,
  };
  for (const v of values) doc[v.name] = v.value;
  return JSON.stringify(doc);
}
