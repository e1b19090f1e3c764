import { CfnResource } from 'aws-cdk-lib';
import { NagRuleCompliance, NagRuleResult } from 'cdk-nag';
import { asArray, parseJsonDocument, renderedProperties } from './template';

/**
 * The security-relevant settings of one SageMaker job, whatever declares it: a step of a pipeline
 * definition, a monitoring job definition or the inline job of a monitoring schedule.
 */
export interface JobView {
  /** `Step::<name>` for pipeline steps (the granular finding), undefined for a resource's own job. */
  readonly label?: string;
  readonly kind: 'Training' | 'Processing' | 'Tuning' | 'Monitoring';
  readonly networkIsolation: unknown;
  readonly interContainerEncryption: unknown;
  readonly instanceCount: unknown;
  readonly instanceType: unknown;
  readonly outputKmsKeyId: unknown;
  readonly volumeKmsKeyId: unknown;
  readonly roleArn: unknown;
}

/** Monitoring job definitions and the prefix of their output config property. */
const JOB_DEFINITIONS: { [type: string]: string } = {
  'AWS::SageMaker::DataQualityJobDefinition': 'DataQuality',
  'AWS::SageMaker::ModelQualityJobDefinition': 'ModelQuality',
  'AWS::SageMaker::ModelBiasJobDefinition': 'ModelBias',
  'AWS::SageMaker::ModelExplainabilityJobDefinition': 'ModelExplainability',
};

/** The resource types whose jobs the job rules inspect. */
export const JOB_RESOURCE_TYPES = ['AWS::SageMaker::Pipeline', ...Object.keys(JOB_DEFINITIONS), 'AWS::SageMaker::MonitoringSchedule'];

/**
 * The parsed pipeline definition of an `AWS::SageMaker::Pipeline`, or undefined when the definition is
 * in S3 (it cannot be inspected at synth time). Throws when the body is not JSON.
 */
export function pipelineDefinition(properties: any): any | undefined {
  const body = properties?.PipelineDefinition?.PipelineDefinitionBody;
  if (body === undefined) return undefined;
  return parseJsonDocument(body);
}

/** Every step of a definition, condition branches included. */
function allSteps(steps: unknown): any[] {
  const out: any[] = [];
  for (const step of asArray(steps)) {
    if (!step || typeof step !== 'object') continue;
    out.push(step);
    if (step.Type === 'Condition') {
      out.push(...allSteps(step.Arguments?.IfSteps), ...allSteps(step.Arguments?.ElseSteps));
    }
  }
  return out;
}

/** Replaces `{ Get: 'Parameters.X' }` by the parameter's default value (undefined without one). */
function parameterResolver(definition: any): (v: unknown) => unknown {
  const defaults = new Map<string, unknown>();
  for (const p of asArray(definition?.Parameters)) {
    if (p && typeof p.Name === 'string') defaults.set(p.Name, p.DefaultValue);
  }
  return (v: unknown) => {
    const get = (v as any)?.Get;
    if (typeof get === 'string' && get.startsWith('Parameters.')) {
      return defaults.get(get.slice('Parameters.'.length));
    }
    return v;
  };
}

/**
 * Whether a value is a pipeline parameter (which an execution can override), e.g. an instance count
 * given as `{ Get: 'Parameters.InstanceCount' }`.
 */
export function isPipelineParameter(value: unknown): boolean {
  return typeof (value as any)?.Get === 'string' && (value as any).Get.startsWith('Parameters.');
}

/** The jobs of the training, processing and tuning steps of a pipeline definition. */
export function pipelineJobs(definition: any): JobView[] {
  const param = parameterResolver(definition);
  const jobs: JobView[] = [];
  for (const step of allSteps(definition?.Steps)) {
    const a = step.Arguments ?? {};
    const label = `Step::${step.Name}`;
    if (step.Type === 'Training') {
      jobs.push(trainingJob(label, 'Training', a, param));
    } else if (step.Type === 'Processing') {
      const cluster = a.ProcessingResources?.ClusterConfig ?? {};
      jobs.push({
        label,
        kind: 'Processing',
        networkIsolation: param(a.NetworkConfig?.EnableNetworkIsolation),
        interContainerEncryption: param(a.NetworkConfig?.EnableInterContainerTrafficEncryption),
        instanceCount: countOf(cluster.InstanceCount, undefined, param),
        instanceType: param(cluster.InstanceType),
        outputKmsKeyId: param(a.ProcessingOutputConfig?.KmsKeyId),
        volumeKmsKeyId: param(cluster.VolumeKmsKeyId),
        roleArn: a.RoleArn,
      });
    } else if (step.Type === 'Tuning') {
      for (const [i, d] of [a.TrainingJobDefinition, ...asArray(a.TrainingJobDefinitions)].entries()) {
        if (!d) continue;
        jobs.push(trainingJob(i === 0 ? label : `${label}/${d.DefinitionName ?? i - 1}`, 'Tuning', d, param));
      }
    }
  }
  return jobs;
}

/**
 * The instance count of a job: a literal, the sum of heterogeneous instance groups, or the raw value
 * (e.g. a parameter an execution can override) when it is not a literal.
 */
/** A training job as a pipeline's Training step or a Tuning step's job definition describes it (same fields). */
function trainingJob(label: string, kind: 'Training' | 'Tuning', d: any, param: (v: unknown) => unknown): JobView {
  return {
    label,
    kind,
    networkIsolation: param(d.EnableNetworkIsolation),
    interContainerEncryption: param(d.EnableInterContainerTrafficEncryption),
    instanceCount: countOf(d.ResourceConfig?.InstanceCount, d.ResourceConfig?.InstanceGroups, param),
    instanceType: param(d.ResourceConfig?.InstanceType),
    outputKmsKeyId: param(d.OutputDataConfig?.KmsKeyId),
    volumeKmsKeyId: param(d.ResourceConfig?.VolumeKmsKeyId),
    roleArn: d.RoleArn,
  };
}

function countOf(count: unknown, groups: unknown, param: (v: unknown) => unknown): unknown {
  if (count !== undefined) return isPipelineParameter(count) ? count : param(count);
  const list = asArray(groups);
  if (list.length === 0) return undefined;
  let total = 0;
  for (const g of list) {
    const n = param(g?.InstanceCount);
    if (typeof n !== 'number') return g?.InstanceCount;
    total += n;
  }
  return total;
}

/** The job of a monitoring job definition or of a monitoring schedule's inline definition. */
export function monitoringJob(type: string, properties: any): JobView | undefined {
  const prefix = JOB_DEFINITIONS[type];
  let output: any;
  let cluster: any;
  let network: any;
  if (prefix) {
    output = properties[`${prefix}JobOutputConfig`];
    cluster = properties.JobResources?.ClusterConfig;
    network = properties.NetworkConfig;
  } else if (type === 'AWS::SageMaker::MonitoringSchedule') {
    const d = properties.MonitoringScheduleConfig?.MonitoringJobDefinition;
    if (!d) return undefined; // the schedule names a job definition resource, which is checked itself
    output = d.MonitoringOutputConfig;
    cluster = d.MonitoringResources?.ClusterConfig;
    network = d.NetworkConfig;
  } else {
    return undefined;
  }
  return {
    kind: 'Monitoring',
    networkIsolation: network?.EnableNetworkIsolation,
    interContainerEncryption: network?.EnableInterContainerTrafficEncryption,
    instanceCount: cluster?.InstanceCount,
    instanceType: cluster?.InstanceType,
    outputKmsKeyId: output?.KmsKeyId,
    volumeKmsKeyId: cluster?.VolumeKmsKeyId,
    roleArn: properties.RoleArn,
  };
}

/**
 * The jobs a resource declares, or undefined when it declares none that can be inspected. A pipeline's
 * jobs carry a `Step::<name>` label.
 */
export function jobsOf(node: CfnResource): JobView[] | undefined {
  const type = node.cfnResourceType;
  if (!JOB_RESOURCE_TYPES.includes(type)) return undefined;
  const properties = renderedProperties(node);
  if (type === 'AWS::SageMaker::Pipeline') {
    const definition = pipelineDefinition(properties);
    return definition === undefined ? undefined : pipelineJobs(definition);
  }
  const job = monitoringJob(type, properties);
  return job ? [job] : undefined;
}

/**
 * Runs a per-job check over the jobs of a resource: granular `Step::<name>` findings for pipelines,
 * NON_COMPLIANT for a resource's own job.
 *
 * @param violates returns true when the job breaks the rule
 */
export function checkJobs(node: CfnResource, violates: (job: JobView) => boolean): NagRuleResult {
  const jobs = jobsOf(node);
  if (jobs === undefined || jobs.length === 0) return NagRuleCompliance.NOT_APPLICABLE;
  const failing = jobs.filter(violates);
  if (failing.length === 0) return NagRuleCompliance.COMPLIANT;
  const labels = failing.map((j) => j.label).filter((l): l is string => l !== undefined);
  return labels.length === failing.length ? [...new Set(labels)] : NagRuleCompliance.NON_COMPLIANT;
}
