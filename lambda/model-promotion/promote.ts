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
  SageMakerClient,
  Tag,
  UpdateEndpointCommand,
} from '@aws-sdk/client-sagemaker';
import { ApprovalEvent, ApprovalEventSchema, PromotionConfig } from './config';
import { DEFAULT_RETRY, RetryOptions, withRetry } from './retry';

/** Tag on every model, endpoint config and endpoint the function creates or updates. */
export const MODEL_PACKAGE_TAG = 'genai:model-package-arn';

/** What one invocation did; also the structured log record. */
export interface PromotionResult {
  /** 200 done or nothing to do, 400 not an approval event, 403 refused (another group). */
  readonly statusCode: 200 | 400 | 403;
  readonly outcome: 'created' | 'updated' | 'already-deployed' | 'ignored' | 'refused' | 'rejected';
  readonly reason?: string;
  readonly modelPackageArn?: string;
  readonly endpointName?: string;
  readonly modelName?: string;
  readonly endpointConfigName?: string;
}

export interface Logger {
  info(message: string, extra?: Record<string, unknown>): void;
  warn(message: string, extra?: Record<string, unknown>): void;
}

export interface PromotionDeps {
  readonly sagemaker: SageMakerClient;
  readonly config: PromotionConfig;
  readonly logger: Logger;
  readonly retry?: RetryOptions;
}

/** Thrown for states a retry may fix (an update in progress) or that need an operator (a name conflict). */
export class PromotionError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PromotionError';
  }
}

/**
 * The model and endpoint config name for a package version: `<endpoint>-<version>-<hash of the ARN>`.
 * Deterministic, so a re-delivered event finds what the first delivery created.
 */
export function resourceName(endpointName: string, packageArn: string): string {
  const version = packageArn.slice(packageArn.lastIndexOf('/') + 1);
  const hash = createHash('sha256').update(packageArn).digest('hex').slice(0, 8);
  return `${endpointName}-${version}-${hash}`.slice(0, 63);
}

/** SageMaker's "Could not find ..." (a ValidationException). */
export function isNotFound(error: unknown): boolean {
  const e = error as { name?: string; message?: string };
  return e?.name === 'ValidationException' && /could not find/i.test(e.message ?? '');
}

/** Rolls an approved model package version out to the endpoint (or creates the endpoint). */
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

  // The event may be stale or forged: the registry is the source of truth.
  const pkg = await call<{ ModelPackageGroupName?: string; ModelApprovalStatus?: string }>(
    'DescribeModelPackage',
    new DescribeModelPackageCommand({ ModelPackageName: packageArn }),
  );
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

  const name = resourceName(config.endpointName, packageArn);
  const names = { ...base, modelName: name, endpointConfigName: name };
  const endpoint = await describeEndpoint(config.endpointName, call);
  if (endpoint && (endpoint.EndpointConfigName === name || endpoint.PendingDeploymentSummary?.EndpointConfigName === name)) {
    const result: PromotionResult = { statusCode: 200, outcome: 'already-deployed', reason: `the endpoint already runs or rolls out ${name}`, ...names };
    logger.info('promotion already done', { ...result });
    return result;
  }
  if (endpoint && endpoint.EndpointStatus !== 'InService' && endpoint.EndpointStatus !== 'Failed') {
    throw new PromotionError(`endpoint ${config.endpointName} is ${endpoint.EndpointStatus}; ${packageArn} will be retried`);
  }
  // What the endpoint runs now: the base of the new config, and maybe this very version already
  // (deployed by CloudFormation from `model`, or by an earlier delivery under another name).
  const current = endpoint?.EndpointConfigName
    ? await call<DescribeEndpointConfigCommandOutput>('DescribeEndpointConfig', new DescribeEndpointConfigCommand({ EndpointConfigName: endpoint.EndpointConfigName }))
    : undefined;
  if (current && (await servesPackage(current, packageArn, call))) {
    const result: PromotionResult = { statusCode: 200, outcome: 'already-deployed', reason: `${current.EndpointConfigName} already serves the version`, ...names };
    logger.info('promotion already done', { ...result });
    return result;
  }

  const tags: Tag[] = [
    { Key: MODEL_PACKAGE_TAG, Value: packageArn },
    { Key: 'genai:promoted-by', Value: 'model-promotion' },
  ];
  await ensureModel(name, packageArn, tags, deps, call);
  await ensureEndpointConfig(name, current, endpoint, tags, deps, call);

  if (!endpoint) {
    await call('CreateEndpoint', new CreateEndpointCommand({
      EndpointName: config.endpointName,
      EndpointConfigName: name,
      DeploymentConfig: config.deploymentConfig as never,
      Tags: tags,
    }));
  } else {
    await call('UpdateEndpoint', new UpdateEndpointCommand({
      EndpointName: config.endpointName,
      EndpointConfigName: name,
      DeploymentConfig: config.deploymentConfig as never,
      RetainDeploymentConfig: false,
    }));
    await call('AddTags', new AddTagsCommand({ ResourceArn: endpoint.EndpointArn, Tags: tags }));
  }
  const result: PromotionResult = { statusCode: 200, outcome: endpoint ? 'updated' : 'created', ...names };
  logger.info(endpoint ? 'endpoint update started' : 'endpoint creation started', { ...result, previousEndpointConfigName: endpoint?.EndpointConfigName });
  return result;
}

type Call = <T>(operation: string, command: unknown) => Promise<T>;

async function describeEndpoint(endpointName: string, call: Call): Promise<DescribeEndpointCommandOutput | undefined> {
  try {
    return await call<DescribeEndpointCommandOutput>('DescribeEndpoint', new DescribeEndpointCommand({ EndpointName: endpointName }));
  } catch (error) {
    if (isNotFound(error)) return undefined;
    throw error;
  }
}

/** True when every variant of the config runs a model created from the package. */
async function servesPackage(config: DescribeEndpointConfigCommandOutput, packageArn: string, call: Call): Promise<boolean> {
  const models = (config.ProductionVariants ?? []).map((v) => v.ModelName).filter((m): m is string => !!m);
  if (models.length === 0) return false;
  for (const modelName of models) {
    let model: DescribeModelCommandOutput;
    try {
      model = await call<DescribeModelCommandOutput>('DescribeModel', new DescribeModelCommand({ ModelName: modelName }));
    } catch (error) {
      if (isNotFound(error)) return false;
      throw error;
    }
    const source = model.PrimaryContainer?.ModelPackageName ?? model.Containers?.[0]?.ModelPackageName;
    if (source !== packageArn) return false;
  }
  return true;
}

async function ensureModel(name: string, packageArn: string, tags: Tag[], deps: PromotionDeps, call: Call): Promise<void> {
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
  current: DescribeEndpointConfigCommandOutput | undefined,
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
  // Start from what the endpoint runs now (so settings changed since synthesis carry over), else the template.
  // Variant names stay the same: blue/green updates (and the variants' scaling targets) require it.
  const template = deps.config.endpointConfigTemplate;
  const variants = (current?.ProductionVariants ?? template.ProductionVariants).map((v) => ({
    ...(v as object),
    ModelName: name,
    ...scaledInstanceCount(v as { VariantName?: string; InitialInstanceCount?: number }, endpoint),
  }));
  await call('CreateEndpointConfig', new CreateEndpointConfigCommand({
    EndpointConfigName: name,
    ProductionVariants: variants as never,
    KmsKeyId: current ? current.KmsKeyId : template.KmsKeyId,
    DataCaptureConfig: (current ? current.DataCaptureConfig : template.DataCaptureConfig) as never,
    AsyncInferenceConfig: (current ? current.AsyncInferenceConfig : template.AsyncInferenceConfig) as never,
    Tags: tags,
  }));
}

/**
 * The green fleet must not start smaller than the blue fleet has scaled to: a variant's InitialInstanceCount
 * becomes max(the count in the current config, the variant's CurrentInstanceCount on the endpoint). Variants
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
