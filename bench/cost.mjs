// Fixed monthly cost of a synthesized stack with no traffic, from bench/prices.json.
// Usage-based charges (requests, storage, log ingestion, data events, training runs) are left out.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { fmt, root, table } from './lib.mjs';

// GPUs per instance type, from the library's own tables (built into dist/ by npm run build).
const { gpuCount } = createRequire(import.meta.url)(join(root, 'dist', 'lib', 'core', 'instance-types.js'));

export const prices = JSON.parse(readFileSync(join(root, 'bench', 'prices.json'), 'utf8'));

function byType(template, type) {
  return Object.values(template.Resources ?? {}).filter((r) => r.Type === type);
}

/** Line items of the idle monthly cost of one template. */
export function idleCost(template) {
  const items = [];
  const add = (item, qty, unit, note = '') => qty > 0 && items.push({ item, qty, monthly: qty * unit, note });
  add.zero = (item, note) => items.push({ item, qty: 0, monthly: 0, note });
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
    if (hostsComponents(config)) {
      componentFleetCost(template, config, add);
      continue;
    }
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

/** An endpoint config whose variants name no model: its endpoint hosts inference components. */
function hostsComponents(config) {
  const variants = config.Properties.ProductionVariants ?? [];
  return variants.length > 0 && variants.every((v) => !v.ModelName && !v.ServerlessConfig);
}

/**
 * A fleet with managed instance scaling keeps its MinInstanceCount, and as many instances as the warm copies
 * of its components need (the floor of their copy scaling, or their CopyCount without scaling), packed by
 * accelerators: with every component able to reach zero copies and a floor of 0, an idle fleet costs nothing.
 */
function componentFleetCost(template, config, add) {
  const v = config.Properties.ProductionVariants[0];
  const floors = new Map();
  for (const t of byType(template, 'AWS::ApplicationAutoScaling::ScalableTarget')) {
    const m = /^inference-component\/(.+)$/.exec(typeof t.Properties.ResourceId === 'string' ? t.Properties.ResourceId : '');
    if (m && t.Properties.ScalableDimension === 'sagemaker:inference-component:DesiredCopyCount') floors.set(m[1], t.Properties.MinCapacity);
  }
  // Components of the template (a component the promotion function creates later is not in it: no copies yet).
  const components = byType(template, 'AWS::SageMaker::InferenceComponent');
  let accelerators = 0;
  let copies = 0;
  let maxCopies = 0;
  for (const c of components) {
    const name = c.Properties.InferenceComponentName;
    const warm = floors.get(name) ?? c.Properties.RuntimeConfig?.CopyCount ?? 1;
    copies += warm;
    accelerators += warm * (c.Properties.Specification?.ComputeResourceRequirements?.NumberOfAcceleratorDevicesRequired ?? 0);
  }
  for (const t of byType(template, 'AWS::ApplicationAutoScaling::ScalableTarget')) {
    if (t.Properties.ScalableDimension === 'sagemaker:inference-component:DesiredCopyCount') maxCopies += t.Properties.MaxCapacity;
  }
  const gpus = gpuCount(v.InstanceType) || 0;
  const forCopies = accelerators > 0 && gpus > 0 ? Math.ceil(accelerators / gpus) : copies > 0 ? 1 : 0;
  const floor = v.ManagedInstanceScaling?.MinInstanceCount ?? v.InitialInstanceCount ?? 1;
  const count = Math.max(floor, forCopies);
  const hourly = prices.sagemakerHourly[v.InstanceType];
  const note =
    components.length === 0
      ? 'no model yet: the first approved version creates the component (the fleet starts with one instance, which managed instance scaling removes while no copy runs)'
      : count === 0
        ? `scales to zero copies and instances when idle (up to ${maxCopies} ${maxCopies === 1 ? 'copy' : 'copies'} under load)`
        : `${copies} warm ${copies === 1 ? 'copy' : 'copies'}`;
  addInstances(add, `endpoint instances (${v.InstanceType}, inference components)`, count, hourly, note);
}

function addInstances(add, item, count, hourly, note) {
  // A zero line is kept on purpose: it shows the fleet is there and costs nothing while idle.
  if (count === 0) {
    add.zero(item, note);
    return;
  }
  add(item, count, hourly === undefined ? NaN : hourly * prices.hoursPerMonth, hourly === undefined ? 'no price in bench/prices.json' : note);
}

export function costMarkdown(label, cost) {
  return [
    `${label}: ${fmt.usd(cost.total)} per month idle`,
    '',
    table(['line item', 'quantity', 'per month', 'note'], cost.items.map((i) => [i.item, String(i.qty), Number.isNaN(i.monthly) ? '?' : fmt.usd(i.monthly), i.note])),
  ].join('\n');
}
