// Fixed monthly cost of a synthesized stack with no traffic, from bench/prices.json.
// Usage-based charges (requests, storage, log ingestion, data events, training runs) are left out.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fmt, root, table } from './lib.mjs';

export const prices = JSON.parse(readFileSync(join(root, 'bench', 'prices.json'), 'utf8'));

function byType(template, type) {
  return Object.values(template.Resources ?? {}).filter((r) => r.Type === type);
}

/** Line items of the idle monthly cost of one template. */
export function idleCost(template) {
  const items = [];
  const add = (item, qty, unit, note = '') => qty > 0 && items.push({ item, qty, monthly: qty * unit, note });
  add('KMS customer-managed keys', byType(template, 'AWS::KMS::Key').length, prices.kmsKeyMonthly);
  add('CloudWatch alarms', byType(template, 'AWS::CloudWatch::Alarm').length, prices.alarmMonthly);
  add('CloudWatch dashboards', byType(template, 'AWS::CloudWatch::Dashboard').length, prices.dashboardMonthly, 'first 3 per account are free');
  const acls = byType(template, 'AWS::WAFv2::WebACL');
  add('WAF web ACLs', acls.length, prices.wafWebAclMonthly);
  add('WAF rules', acls.reduce((n, a) => n + (a.Properties.Rules?.length ?? 0), 0), prices.wafRuleMonthly);
  add('Secrets Manager secrets', byType(template, 'AWS::SecretsManager::Secret').length, prices.secretMonthly);
  // Endpoint instances kept warm: the initial instance count of every real-time variant of every config
  // that an endpoint in this template uses (autoscaling minimum is the floor it returns to when idle).
  const minByVariant = new Map();
  for (const t of byType(template, 'AWS::ApplicationAutoScaling::ScalableTarget')) {
    const id = JSON.stringify(t.Properties.ResourceId);
    minByVariant.set(id, t.Properties.MinCapacity);
  }
  for (const config of byType(template, 'AWS::SageMaker::EndpointConfig')) {
    for (const v of config.Properties.ProductionVariants ?? []) {
      if (!v.InstanceType) continue;
      const hourly = prices.sagemakerHourly[v.InstanceType];
      const async = Boolean(config.Properties.AsyncInferenceConfig);
      const min = [...minByVariant.values()].length ? Math.min(v.InitialInstanceCount ?? 1, ...[...minByVariant.values()]) : v.InitialInstanceCount ?? 1;
      const count = async ? min : Math.max(1, min);
      add(`endpoint instances (${v.InstanceType})`, count, hourly === undefined ? NaN : hourly * prices.hoursPerMonth, hourly === undefined ? 'no price in bench/prices.json' : '');
    }
  }
  for (const s of byType(template, 'AWS::SageMaker::MonitoringSchedule')) {
    const expr = JSON.stringify(s.Properties.MonitoringScheduleConfig?.ScheduleConfig?.ScheduleExpression ?? '');
    const runsPerMonth = /hourly|cron\(0 \* \?/i.test(expr) ? 24 * 30 : /daily|cron\(0 0/i.test(expr) ? 30 : 24 * 30;
    const type = 'ml.m5.xlarge';
    add(`drift monitoring jobs (${type}, ${runsPerMonth} runs × ${prices.monitoringJobMinutesPerRun} min)`, 1, (runsPerMonth * prices.monitoringJobMinutesPerRun * prices.sagemakerHourly[type]) / 60);
  }
  const total = items.reduce((n, i) => n + (Number.isNaN(i.monthly) ? 0 : i.monthly), 0);
  return { items, total };
}

export function costMarkdown(label, cost) {
  return [
    `${label}: ${fmt.usd(cost.total)} per month idle`,
    '',
    table(['line item', 'quantity', 'per month', 'note'], cost.items.map((i) => [i.item, String(i.qty), Number.isNaN(i.monthly) ? '?' : fmt.usd(i.monthly), i.note])),
  ].join('\n');
}
