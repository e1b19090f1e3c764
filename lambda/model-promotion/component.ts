/**
 * Promotion to an inference component: the approved version becomes a new model (`<component>-<version>-<hash>`)
 * and the component is pointed at it with UpdateInferenceComponent, whose rolling update replaces the copies
 * batch by batch and rolls back on the component's alarms. On the first approval of a component the template
 * does not manage, the function creates the component on the endpoint, and registers its copy scaling once
 * it is in service (the approval stays in the queue until then).
 */
import {
  AddTagsCommand,
  CreateInferenceComponentCommand,
  DescribeInferenceComponentCommand,
  DescribeInferenceComponentCommandOutput,
  DescribeModelCommand,
  DescribeModelCommandOutput,
  Tag,
  UpdateInferenceComponentCommand,
} from '@aws-sdk/client-sagemaker';
import { applyComponentScaling } from './component-scaling';
import { PromotionError, isEndpointBusy, isNotFound } from './errors';
import { Call, MODEL_PACKAGE_TAG, PromotionDeps, PromotionResult, describeEndpoint, ensureModel, packageVersion, resourceName, waiting } from './promote';

/** Component states in which SageMaker accepts an update (anything else: wait). */
const UPDATABLE = ['InService', 'Failed'];

/** Who approved, registered and started the version (the part of the result the approval checks found). */
type Approval = Partial<PromotionResult> & { readonly modelPackageArn: string; readonly endpointName: string };

/**
 * Rolls an approved (and checked) version out to the configured inference component: never backwards,
 * never while the component is being created or updated, and idempotent for a re-delivered approval.
 */
export async function promoteComponent(packageArn: string, approval: Approval, deps: PromotionDeps, call: Call): Promise<PromotionResult> {
  const { config, logger } = deps;
  const ic = config.inferenceComponent;
  if (!ic) throw new PromotionError('PROMOTION_CONFIG has no inferenceComponent');
  const name = resourceName(ic.name, packageArn);
  const names = { ...approval, inferenceComponentName: ic.name, modelName: name };
  const tags: Tag[] = [
    { Key: MODEL_PACKAGE_TAG, Value: packageArn },
    { Key: 'genai:promoted-by', Value: 'model-promotion' },
  ];

  const component = await describeComponent(ic.name, call);
  if (!component) return createComponent(name, packageArn, names, tags, deps, call);

  const status = component.InferenceComponentStatus ?? 'unknown';
  // A component the function created gets its copy scaling once it is in service (upserts: every look is safe).
  const scalingApplied = status === 'InService' && ic.scaling ? await applyComponentScaling(ic.name, ic.scaling, deps) : undefined;
  const current = component.Specification?.ModelName;
  if (current === name) {
    if (status === 'Failed') {
      throw new PromotionError(`inference component ${ic.name} failed with ${name}: ${component.FailureReason ?? 'no reason given'}`);
    }
    if (status === 'Creating' && ic.scaling) {
      return waiting(`inference component ${ic.name} is being created with ${name}; its copy scaling is registered once it is in service`, names, logger);
    }
    const result: PromotionResult = {
      statusCode: 200,
      outcome: 'already-deployed',
      reason: `the component already ${status === 'InService' ? 'serves' : 'rolls out'} ${name}${scalingApplied ? ' (copy scaling registered)' : ''}`,
      ...names,
    };
    logger.info('promotion already done', { ...result, scaling: scalingApplied });
    return result;
  }

  // Never backwards: the model the component serves may come from a newer version (or from this one).
  const served = current ? await packageOf(current, call) : undefined;
  if (served === packageArn) {
    const result: PromotionResult = { statusCode: 200, outcome: 'already-deployed', reason: `${current} already serves the version`, ...names };
    logger.info('promotion already done', { ...result });
    return result;
  }
  const mine = packageVersion(packageArn);
  const theirs = served ? packageVersion(served) : undefined;
  if (mine && theirs && theirs.group === mine.group && theirs.version > mine.version) {
    const result: PromotionResult = {
      statusCode: 200,
      outcome: 'superseded',
      reason: `the component serves version ${theirs.version}, newer than ${mine.version}: an older version never replaces a newer one`,
      deployedModelPackageArn: served,
      ...names,
    };
    logger.warn('promotion superseded', { ...result });
    return result;
  }
  if (!UPDATABLE.includes(status)) return waiting(`inference component ${ic.name} is ${status}`, names, logger);

  await ensureModel(name, packageArn, tags, deps, call);
  const copies = component.RuntimeConfig?.CurrentCopyCount;
  try {
    await call('UpdateInferenceComponent', new UpdateInferenceComponentCommand({
      InferenceComponentName: ic.name,
      Specification: { ...(ic.specification as object), ModelName: name },
      // With no copy running (scaled to zero) there is nothing to roll or roll back: the next copy starts
      // with the new model. Otherwise the rolling update replaces the copies and rolls back on the alarms.
      DeploymentConfig: copies === 0 ? undefined : (config.deploymentConfig as never),
    }));
  } catch (error) {
    // Another update started since DescribeInferenceComponent (autoscaling, an operator, CloudFormation): wait.
    if (isEndpointBusy(error)) return waiting(`inference component ${ic.name} started another update: ${(error as Error).message}`, names, logger);
    throw error;
  }
  if (component.InferenceComponentArn) await call('AddTags', new AddTagsCommand({ ResourceArn: component.InferenceComponentArn, Tags: tags }));
  const result: PromotionResult = { statusCode: 200, outcome: 'updated', ...names };
  logger.info('inference component update started', { ...result, previousModelName: current, rolling: copies !== 0 });
  return result;
}

/** The first approved version of a component the template does not manage: create it, on an endpoint in service. */
async function createComponent(name: string, packageArn: string, names: Partial<PromotionResult>, tags: Tag[], deps: PromotionDeps, call: Call): Promise<PromotionResult> {
  const { config, logger } = deps;
  const ic = config.inferenceComponent!;
  const endpoint = await describeEndpoint(config.endpointName, call);
  if (!endpoint) return waiting(`endpoint ${config.endpointName} does not exist`, names, logger);
  if (endpoint.EndpointStatus !== 'InService') return waiting(`endpoint ${config.endpointName} is ${endpoint.EndpointStatus}`, names, logger);
  await ensureModel(name, packageArn, tags, deps, call);
  try {
    await call('CreateInferenceComponent', new CreateInferenceComponentCommand({
      InferenceComponentName: ic.name,
      EndpointName: config.endpointName,
      VariantName: ic.variantName,
      Specification: { ...(ic.specification as object), ModelName: name },
      RuntimeConfig: { CopyCount: ic.copyCount },
      Tags: tags,
    }));
  } catch (error) {
    if (isEndpointBusy(error)) return waiting(`endpoint ${config.endpointName} is busy: ${(error as Error).message}`, names, logger);
    throw error;
  }
  logger.info('inference component creation started', { ...names, copyCount: ic.copyCount });
  if (ic.scaling) {
    return waiting(`created inference component ${ic.name} with ${name}; its copy scaling is registered once it is in service`, names, logger);
  }
  const result: PromotionResult = { statusCode: 200, outcome: 'created', ...names };
  return result;
}

async function describeComponent(name: string, call: Call): Promise<DescribeInferenceComponentCommandOutput | undefined> {
  try {
    return await call<DescribeInferenceComponentCommandOutput>('DescribeInferenceComponent', new DescribeInferenceComponentCommand({ InferenceComponentName: name }));
  } catch (error) {
    if (isNotFound(error)) return undefined;
    throw error;
  }
}

/** The model package a model serves, or undefined when it is gone or serves an image. */
async function packageOf(modelName: string, call: Call): Promise<string | undefined> {
  let model: DescribeModelCommandOutput;
  try {
    model = await call<DescribeModelCommandOutput>('DescribeModel', new DescribeModelCommand({ ModelName: modelName }));
  } catch (error) {
    if (isNotFound(error)) return undefined;
    throw error;
  }
  return model.PrimaryContainer?.ModelPackageName ?? model.Containers?.[0]?.ModelPackageName;
}
