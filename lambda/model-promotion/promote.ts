import { createHash } from 'node:crypto';
import {
  AddTagsCommand,
  CreateEndpointCommand,
  CreateEndpointConfigCommand,
  CreateModelCommand,
  DescribeEndpointCommand,
  DescribeEndpointCommandOutput,
  DescribeEndpointConfigCommand,
  DescribeEndpointConfigCommandOutput,
  DescribeModelCommand,
  DescribeModelCommandOutput,
  DescribeModelPackageCommand,
  DescribeModelPackageCommandOutput,
  SageMakerClient,
  Tag,
  UpdateEndpointCommand,
} from '@aws-sdk/client-sagemaker';
import { CloudTrailClient, LookupEventsCommand } from '@aws-sdk/client-cloudtrail';
import { ApplicationAutoScalingClient } from '@aws-sdk/client-application-auto-scaling';
import { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import { checkSeparationOfDuties, describeIdentity } from './approval';
import { promoteComponent } from './component';
import { ApprovalEvent, ApprovalEventSchema, PromotionConfig } from './config';
import { PromotionError, isEndpointBusy, isNotFound } from './errors';
import { DEFAULT_RETRY, RetryOptions, withRetry } from './retry';

/** Tag on every model, endpoint config and endpoint the function creates or updates. */
export const MODEL_PACKAGE_TAG = 'genai:model-package-arn';

/** What one invocation did; also the structured log record. */
export interface PromotionResult {
  /** 200 done or nothing to do, 202 waiting for the endpoint, 400 not an approval event, 403 refused. */
  readonly statusCode: 200 | 202 | 400 | 403;
  /**
   * `superseded`: the endpoint runs or rolls out a newer version of the group (an older one never replaces
   * it); `waiting`: the endpoint is busy (the approval stays in the queue and is retried).
   */
  readonly outcome: 'created' | 'updated' | 'already-deployed' | 'superseded' | 'waiting' | 'ignored' | 'refused' | 'rejected';
  readonly reason?: string;
  readonly modelPackageArn?: string;
  readonly endpointName?: string;
  readonly modelName?: string;
  readonly endpointConfigName?: string;
  /** The inference component the version rolls out to (a component promotion). */
  readonly inferenceComponentName?: string;
  /** Who approved the version, as the registry records it. */
  readonly approvedBy?: string;
  /** Who registered the version (the pipeline's role, for versions a pipeline registered). */
  readonly registeredBy?: string;
  /** Who started the pipeline execution that produced the version (from the registry or CloudTrail). */
  readonly startedBy?: string;
  readonly pipelineExecutionArn?: string;
  /** Whether separation of duties was checked (`not enforced` only with the endpoint's `allowSelfApproval`). */
  readonly separationOfDuties?: 'enforced' | 'not enforced';
  /** The newer version the endpoint runs or rolls out (with `superseded`). */
  readonly deployedModelPackageArn?: string;
}

export interface Logger {
  info(message: string, extra?: Record<string, unknown>): void;
  warn(message: string, extra?: Record<string, unknown>): void;
}

export interface PromotionDeps {
  readonly sagemaker: SageMakerClient;
  /** Reads who started a pipeline execution when SageMaker does not record it. */
  readonly cloudtrail: CloudTrailClient;
  readonly config: PromotionConfig;
  readonly logger: Logger;
  readonly retry?: RetryOptions;
  /** Registers the copy scaling of an inference component the function created. */
  readonly autoscaling?: ApplicationAutoScalingClient;
  /** Puts the scale-from-zero alarm of such a component. */
  readonly cloudwatch?: CloudWatchClient;
}

export { PromotionError, isNotFound } from './errors';

/**
 * The model and endpoint config name for a package version: `<endpoint>-<version>-<hash of the ARN>`.
 * Deterministic, so a re-delivered event finds what the first delivery created.
 */
export function resourceName(endpointName: string, packageArn: string): string {
  const version = packageArn.slice(packageArn.lastIndexOf('/') + 1);
  const hash = createHash('sha256').update(packageArn).digest('hex').slice(0, 8);
  return `${endpointName}-${version}-${hash}`.slice(0, 63);
}

/** The group (lower case, as in ARNs) and version number of a versioned model package ARN. */
export function packageVersion(packageArn: string): { group: string; version: number } | undefined {
  const m = /:model-package\/([^/]+)\/(\d+)$/.exec(packageArn);
  return m ? { group: m[1].toLowerCase(), version: Number(m[2]) } : undefined;
}

/** Endpoint states in which SageMaker accepts an update (anything else: wait). */
const UPDATABLE = ['InService', 'Failed'];

/**
 * Rolls an approved model package version out to the endpoint (or creates the endpoint), when the registry
 * confirms the approval, the approver is neither the version's registrant nor the starter of its run, and
 * the endpoint does not already run or roll out a newer version. The endpoint config is always built from
 * the synthesized settings (`endpointConfigTemplate`), never copied from the live config.
 */
export async function promote(rawEvent: unknown, deps: PromotionDeps): Promise<PromotionResult> {
  const { config, logger } = deps;
  const retry = deps.retry ?? DEFAULT_RETRY;
  const call = <T>(operation: string, command: unknown): Promise<T> =>
    withRetry(operation, () => deps.sagemaker.send(command as never) as Promise<T>, retry);

  const parsed = ApprovalEventSchema.safeParse(rawEvent);
  if (!parsed.success) {
    const result: PromotionResult = {
      statusCode: 400,
      outcome: 'rejected',
      reason: `not a model package state change: ${parsed.error.issues.map((i) => `${i.path.join('.') || 'event'}: ${i.message}`).join('; ')}`,
    };
    logger.warn('promotion rejected', { ...result });
    return result;
  }
  const event: ApprovalEvent = parsed.data;
  const packageArn = event.detail.ModelPackageArn;
  const base = { modelPackageArn: packageArn, endpointName: config.endpointName };

  if (event.detail.ModelPackageGroupName !== config.modelPackageGroupName) {
    const result: PromotionResult = {
      statusCode: 403,
      outcome: 'refused',
      reason: `package group ${event.detail.ModelPackageGroupName} is not ${config.modelPackageGroupName}`,
      ...base,
    };
    logger.warn('promotion refused', { ...result });
    return result;
  }
  if (event.detail.ModelApprovalStatus !== 'Approved') {
    const result: PromotionResult = { statusCode: 200, outcome: 'ignored', reason: `status is ${event.detail.ModelApprovalStatus}`, ...base };
    logger.info('promotion ignored', { ...result });
    return result;
  }

  // The event may be stale or forged: the registry is the source of truth (status, group and who approved).
  const pkg = await call<DescribeModelPackageCommandOutput>('DescribeModelPackage', new DescribeModelPackageCommand({ ModelPackageName: packageArn }));
  if (pkg.ModelPackageGroupName !== config.modelPackageGroupName) {
    const result: PromotionResult = { statusCode: 403, outcome: 'refused', reason: `the registry puts ${packageArn} in group ${pkg.ModelPackageGroupName}`, ...base };
    logger.warn('promotion refused', { ...result });
    return result;
  }
  if (pkg.ModelApprovalStatus !== 'Approved') {
    const result: PromotionResult = { statusCode: 200, outcome: 'ignored', reason: `the registry says ${pkg.ModelApprovalStatus} now`, ...base };
    logger.info('promotion ignored', { ...result });
    return result;
  }

  let who: Partial<PromotionResult>;
  if (config.allowSelfApproval) {
    who = { approvedBy: describeIdentity(pkg.LastModifiedBy), registeredBy: describeIdentity(pkg.CreatedBy), separationOfDuties: 'not enforced' };
  } else {
    const check = await checkSeparationOfDuties(pkg, {
      call,
      lookupEvents: (input) => withRetry('LookupEvents', () => deps.cloudtrail.send(new LookupEventsCommand(input)), retry, 'CloudTrail'),
    });
    who = {
      approvedBy: check.approvedBy,
      registeredBy: check.registeredBy,
      startedBy: check.startedBy,
      pipelineExecutionArn: check.pipelineExecutionArn,
      separationOfDuties: 'enforced',
    };
    if (!check.allowed) {
      const result: PromotionResult = { statusCode: 403, outcome: 'refused', reason: `separation of duties: ${check.reason}`, ...base, ...who };
      logger.warn('promotion refused', { ...result });
      return result;
    }
  }

  // An inference component gets a new model and a rolling update of the component, not a new endpoint config.
  if (config.inferenceComponent) return promoteComponent(packageArn, { ...base, ...who }, deps, call);

  const name = resourceName(config.endpointName, packageArn);
  const names = { ...base, modelName: name, endpointConfigName: name, ...who };
  const endpoint = await describeEndpoint(config.endpointName, call);
  if (endpoint && (endpoint.EndpointConfigName === name || endpoint.PendingDeploymentSummary?.EndpointConfigName === name)) {
    const result: PromotionResult = { statusCode: 200, outcome: 'already-deployed', reason: `the endpoint already runs or rolls out ${name}`, ...names };
    logger.info('promotion already done', { ...result });
    return result;
  }
  if (endpoint) {
    // Never backwards: what the endpoint runs, and what it is rolling out, may already be newer.
    const deployed = await deployedPackages(endpoint, call);
    const same = deployed.find((d) => d.packageArns.length > 0 && d.packageArns.every((a) => a === packageArn));
    if (same) {
      const result: PromotionResult = { statusCode: 200, outcome: 'already-deployed', reason: `${same.endpointConfigName} already ${same.pending ? 'rolls out' : 'serves'} the version`, ...names };
      logger.info('promotion already done', { ...result });
      return result;
    }
    const mine = packageVersion(packageArn);
    const newer = deployed
      .flatMap((d) => d.packageArns.map((arn) => ({ arn, pending: d.pending, v: packageVersion(arn) })))
      .filter((d) => mine && d.v && d.v.group === mine.group && d.v.version > mine.version)
      .sort((a, b) => b.v!.version - a.v!.version)[0];
    if (newer) {
      const result: PromotionResult = {
        statusCode: 200,
        outcome: 'superseded',
        reason: `the endpoint ${newer.pending ? 'is rolling out' : 'runs'} version ${newer.v!.version}, newer than ${mine!.version}: an older version never replaces a newer one`,
        deployedModelPackageArn: newer.arn,
        ...names,
      };
      logger.warn('promotion superseded', { ...result });
      return result;
    }
    if (!UPDATABLE.includes(endpoint.EndpointStatus ?? '')) {
      return waiting(`endpoint ${config.endpointName} is ${endpoint.EndpointStatus}`, names, logger);
    }
  }

  const tags: Tag[] = [
    { Key: MODEL_PACKAGE_TAG, Value: packageArn },
    { Key: 'genai:promoted-by', Value: 'model-promotion' },
  ];
  await ensureModel(name, packageArn, tags, deps, call);
  await ensureEndpointConfig(name, endpoint, tags, deps, call);

  if (!endpoint) {
    await call('CreateEndpoint', new CreateEndpointCommand({
      EndpointName: config.endpointName,
      EndpointConfigName: name,
      DeploymentConfig: config.deploymentConfig as never,
      Tags: tags,
    }));
  } else {
    try {
      await call('UpdateEndpoint', new UpdateEndpointCommand({
        EndpointName: config.endpointName,
        EndpointConfigName: name,
        DeploymentConfig: config.deploymentConfig as never,
        RetainDeploymentConfig: false,
      }));
    } catch (error) {
      // Another update started since DescribeEndpoint (an operator or CloudFormation): wait for it.
      if (isEndpointBusy(error)) return waiting(`endpoint ${config.endpointName} started another update: ${(error as Error).message}`, names, logger);
      throw error;
    }
    await call('AddTags', new AddTagsCommand({ ResourceArn: endpoint.EndpointArn, Tags: tags }));
  }
  const result: PromotionResult = { statusCode: 200, outcome: endpoint ? 'updated' : 'created', ...names };
  logger.info(endpoint ? 'endpoint update started' : 'endpoint creation started', { ...result, previousEndpointConfigName: endpoint?.EndpointConfigName });
  return result;
}

export function waiting(why: string, names: Partial<PromotionResult>, logger: Logger): PromotionResult {
  const result: PromotionResult = { statusCode: 202, outcome: 'waiting', reason: `${why}; the approval waits in the queue and is retried`, ...names };
  logger.info('promotion waiting', { ...result });
  return result;
}

export type Call = <T>(operation: string, command: unknown) => Promise<T>;

export async function describeEndpoint(endpointName: string, call: Call): Promise<DescribeEndpointCommandOutput | undefined> {
  try {
    return await call<DescribeEndpointCommandOutput>('DescribeEndpoint', new DescribeEndpointCommand({ EndpointName: endpointName }));
  } catch (error) {
    if (isNotFound(error)) return undefined;
    throw error;
  }
}

/** The package versions the endpoint's current and pending configs serve (one entry per config). */
async function deployedPackages(
  endpoint: DescribeEndpointCommandOutput,
  call: Call,
): Promise<Array<{ endpointConfigName: string; pending: boolean; packageArns: string[] }>> {
  const configs = [
    { name: endpoint.EndpointConfigName, pending: false },
    { name: endpoint.PendingDeploymentSummary?.EndpointConfigName, pending: true },
  ].filter((c): c is { name: string; pending: boolean } => !!c.name);
  const result = [];
  for (const c of configs) {
    let described: DescribeEndpointConfigCommandOutput;
    try {
      described = await call<DescribeEndpointConfigCommandOutput>('DescribeEndpointConfig', new DescribeEndpointConfigCommand({ EndpointConfigName: c.name }));
    } catch (error) {
      if (isNotFound(error)) continue;
      throw error;
    }
    const packageArns: string[] = [];
    let unknown = false;
    for (const modelName of (described.ProductionVariants ?? []).map((v) => v.ModelName).filter((m): m is string => !!m)) {
      let model: DescribeModelCommandOutput;
      try {
        model = await call<DescribeModelCommandOutput>('DescribeModel', new DescribeModelCommand({ ModelName: modelName }));
      } catch (error) {
        if (isNotFound(error)) {
          unknown = true;
          continue;
        }
        throw error;
      }
      const source = model.PrimaryContainer?.ModelPackageName ?? model.Containers?.[0]?.ModelPackageName;
      if (source) packageArns.push(source);
      else unknown = true;
    }
    // A variant with a model of unknown origin: the config does not wholly serve any one version.
    result.push({ endpointConfigName: c.name, pending: c.pending, packageArns: unknown ? [...packageArns, ''] : packageArns });
  }
  return result;
}

export async function ensureModel(name: string, packageArn: string, tags: Tag[], deps: PromotionDeps, call: Call): Promise<void> {
  let existing: DescribeModelCommandOutput | undefined;
  try {
    existing = await call<DescribeModelCommandOutput>('DescribeModel', new DescribeModelCommand({ ModelName: name }));
  } catch (error) {
    if (!isNotFound(error)) throw error;
  }
  if (existing) {
    const source = existing.PrimaryContainer?.ModelPackageName ?? existing.Containers?.[0]?.ModelPackageName;
    if (source !== packageArn) throw new PromotionError(`model ${name} exists but serves ${source}, not ${packageArn}`);
    deps.logger.info('model exists (re-delivery)', { modelName: name, modelPackageArn: packageArn });
    return;
  }
  await call('CreateModel', new CreateModelCommand({
    ModelName: name,
    ExecutionRoleArn: deps.config.executionRoleArn,
    PrimaryContainer: { ModelPackageName: packageArn },
    EnableNetworkIsolation: true,
    VpcConfig: deps.config.vpcConfig,
    Tags: tags,
  }));
}

async function ensureEndpointConfig(
  name: string,
  endpoint: DescribeEndpointCommandOutput | undefined,
  tags: Tag[],
  deps: PromotionDeps,
  call: Call,
): Promise<void> {
  let existing: DescribeEndpointConfigCommandOutput | undefined;
  try {
    existing = await call<DescribeEndpointConfigCommandOutput>('DescribeEndpointConfig', new DescribeEndpointConfigCommand({ EndpointConfigName: name }));
  } catch (error) {
    if (!isNotFound(error)) throw error;
  }
  if (existing) {
    const models = (existing.ProductionVariants ?? []).map((v) => v.ModelName);
    if (models.length === 0 || models.some((m) => m !== name)) {
      throw new PromotionError(`endpoint config ${name} exists but serves ${models.join(', ')}`);
    }
    deps.logger.info('endpoint config exists (re-delivery)', { endpointConfigName: name });
    return;
  }
  // Always the synthesized settings (instance types, capture, keys, async output): a setting changed by hand on
  // the live config is not carried forward. Variant names stay the same (blue/green and the variants' scaling
  // targets require it); only the instance counts follow the running fleet.
  const template = deps.config.endpointConfigTemplate;
  if (!template) throw new PromotionError('PROMOTION_CONFIG has no endpointConfigTemplate');
  const variants = template.ProductionVariants.map((v) => ({
    ...(v as object),
    ModelName: name,
    ...scaledInstanceCount(v as { VariantName?: string; InitialInstanceCount?: number }, endpoint),
  }));
  await call('CreateEndpointConfig', new CreateEndpointConfigCommand({
    EndpointConfigName: name,
    ProductionVariants: variants as never,
    KmsKeyId: template.KmsKeyId,
    DataCaptureConfig: template.DataCaptureConfig as never,
    AsyncInferenceConfig: template.AsyncInferenceConfig as never,
    Tags: tags,
  }));
}

/**
 * The green fleet must not start smaller than the blue fleet has scaled to: a variant's InitialInstanceCount
 * becomes max(the synthesized count, the variant's CurrentInstanceCount on the endpoint). Variants
 * without an instance count (serverless) or not running on the endpoint keep what they have.
 */
function scaledInstanceCount(
  variant: { VariantName?: string; InitialInstanceCount?: number },
  endpoint: DescribeEndpointCommandOutput | undefined,
): { InitialInstanceCount?: number } {
  if (typeof variant.InitialInstanceCount !== 'number') return {};
  const running = endpoint?.ProductionVariants?.find((p) => p.VariantName === variant.VariantName)?.CurrentInstanceCount;
  return typeof running === 'number' && running > variant.InitialInstanceCount ? { InitialInstanceCount: running } : {};
}
