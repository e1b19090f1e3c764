import { Duration } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import type { PromptCatalog } from '../prompt-catalog';

/**
 * The experiment section of a dashboard: per template, one graph per measure with a line per variant
 * (latency, tokens in and out, guardrail interventions, feedback rating, traffic).
 */
export function experimentWidgets(catalog: PromptCatalog): cloudwatch.IWidget[] {
  const rows: cloudwatch.IWidget[] = [
    new cloudwatch.TextWidget({
      markdown: [
        `## Prompt experiments (catalog \`${catalog.catalogName}\`)`,
        'One line per variant. Compare variants of a template over the same period; promote a winner by changing the weights in code (reviewed, and checked by `genai-diff`).',
      ].join('\n\n'),
      width: 24,
      height: 2,
    }),
  ];
  for (const template of catalog.templates) {
    const name = template.templateName;
    const per = (metricName: string, statistic: string) =>
      template.variantNames.map((variant) => catalog.metricForVariant(metricName, name, variant, { statistic, label: variant }));
    const interventionRate = template.variantNames.map(
      (variant, i) =>
        new cloudwatch.MathExpression({
          expression: `IF(FILL(r${i}, 0) > 0, 100 * FILL(i${i}, 0) / r${i}, 0)`,
          usingMetrics: {
            [`i${i}`]: catalog.metricForVariant('Interventions', name, variant, { statistic: cloudwatch.Stats.SUM }),
            [`r${i}`]: catalog.metricForVariant('Requests', name, variant, { statistic: cloudwatch.Stats.SUM }),
          },
          label: variant,
          period: Duration.minutes(5),
        }),
    );
    rows.push(
      new cloudwatch.Row(
        new cloudwatch.GraphWidget({ title: `${name}: requests`, left: per('Requests', cloudwatch.Stats.SUM), width: 4 }),
        new cloudwatch.GraphWidget({ title: `${name}: latency p90 (ms)`, left: per('Latency', cloudwatch.Stats.p(90)), width: 4 }),
        new cloudwatch.GraphWidget({ title: `${name}: tokens in (avg)`, left: per('InputTokens', cloudwatch.Stats.AVERAGE), width: 4 }),
        new cloudwatch.GraphWidget({ title: `${name}: tokens out (avg)`, left: per('OutputTokens', cloudwatch.Stats.AVERAGE), width: 4 }),
        new cloudwatch.GraphWidget({ title: `${name}: guardrail interventions (%)`, left: interventionRate, width: 4 }),
        new cloudwatch.GraphWidget({ title: `${name}: feedback rating (avg, 1-5)`, left: per('FeedbackRating', cloudwatch.Stats.AVERAGE), width: 4 }),
      ),
    );
  }
  return rows;
}
