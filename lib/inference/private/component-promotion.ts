import { ArnFormat, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';
import { SecureFunction } from '../../core/secure-function';
import { PROMOTION_COMPONENT_ACTIONS, PROMOTION_TAG_ACTIONS } from './actions';
import { grantScalingRegistration } from './promotion';
import type { ComponentPromotionConfig, PromotionContext } from './promotion';

/** The alarm the promotion function puts for a component it scales from zero (granted by name). */
export function scaleFromZeroAlarmName(componentName: string): string {
  return `${componentName}-scale-from-zero`;
}

/** The `inferenceComponent` section of the promotion function's configuration. */
export function componentConfig(ic: ComponentPromotionConfig): Record<string, unknown> {
  return { name: ic.name, variantName: ic.variantName, specification: ic.specification, copyCount: ic.copyCount, scaling: ic.scaling };
}

/**
 * What the promotion function of an inference component may do: read, create and update exactly its component,
 * create and read the models it names `<component>-*`, look at the endpoint, and (when it created the component
 * itself) register the component's copy scaling. It cannot update the endpoint or create endpoint configs.
 *
 * @returns the wildcard resources the caller acknowledges as generated names, with the actions granted on them
 */
export function grantComponentPromotion(scope: Construct, fn: SecureFunction, ctx: PromotionContext, ic: ComponentPromotionConfig): { resources: string[]; actions: string[] } {
  const stack = Stack.of(scope);
  const role = fn.role;
  const models = stack.formatArn({ service: 'sagemaker', resource: 'model', resourceName: `${ic.name}-*` });
  role.addToPrincipalPolicy(new iam.PolicyStatement({ actions: [...PROMOTION_COMPONENT_ACTIONS, ...PROMOTION_TAG_ACTIONS], resources: [ic.arn] }));
  // DescribeEndpoint: a component is created only on an endpoint in service; CreateInferenceComponent names the endpoint too.
  role.addToPrincipalPolicy(new iam.PolicyStatement({ actions: ['sagemaker:DescribeEndpoint', 'sagemaker:CreateInferenceComponent'], resources: [ctx.endpointArn] }));
  const modelActions = ['sagemaker:CreateModel', 'sagemaker:DescribeModel', ...PROMOTION_TAG_ACTIONS];
  role.addToPrincipalPolicy(new iam.PolicyStatement({ actions: modelActions, resources: [models] }));
  if (ic.scaling) grantComponentScaling(scope, fn, ic);
  return { resources: [models], actions: modelActions };
}

/**
 * Application Auto Scaling registration of a component the function created: targets and policies (upserts),
 * the caller's right to scale the component, and the alarms target tracking and the scale-from-zero step create.
 */
function grantComponentScaling(scope: Construct, fn: SecureFunction, ic: ComponentPromotionConfig): void {
  const stack = Stack.of(scope);
  const alarm = (name: string) => stack.formatArn({ service: 'cloudwatch', resource: 'alarm', resourceName: name, arnFormat: ArnFormat.COLON_RESOURCE_NAME });
  grantScalingRegistration(fn.role, { action: 'sagemaker:UpdateInferenceComponentRuntimeConfig', arn: ic.arn }, alarm(`TargetTracking-inference-component/${ic.name}-*`), [alarm(scaleFromZeroAlarmName(ic.name))]);
}
