import { NagMessageLevel, NagRuleCompliance } from 'cdk-nag';
import { defineRule } from '../rule';
import { asArray, isSet, literalNumber, logicalIdOf, renderString, renderedProperties, resolveReference, resourcesOfType } from '../private/template';

/**
 * True for an endpoint config whose instance-based variants name no model: the endpoint hosts inference
 * components, which name their models (and carry their own copies, scaling and rollback).
 */
export function hostsInferenceComponents(configProperties: any): boolean {
  const variants = asArray(configProperties?.ProductionVariants);
  return variants.length > 0 && variants.every((v) => v && !isSet(v.ModelName) && !isSet(v.ServerlessConfig));
}

/** GenAI-SageMakerEndpointMultiInstance: an endpoint (or an inference component) survives the loss of one instance. */
export const SageMakerEndpointMultiInstance = defineRule({
  name: 'SageMakerEndpointMultiInstance',
  level: NagMessageLevel.WARN,
  resourceTypes: ['AWS::SageMaker::Endpoint', 'AWS::SageMaker::InferenceComponent', 'AWS::ApplicationAutoScaling::ScalableTarget'],
  info: 'A production variant of the SageMaker endpoint, or an inference component, can run on a single instance (or copy).',
  explanation: 'SageMaker spreads the instances of a variant across Availability Zones only when there are at least two, and a model with one copy runs on one instance; one is a single point of failure (acceptable in development, hence a warning).',
  fix: 'Set InitialInstanceCount to 2 or more, or register a scaling target (sagemaker:variant:DesiredInstanceCount) with MinCapacity of 2 or more; for an inference component keep at least two copies (RuntimeConfig.CopyCount, or the MinCapacity of its sagemaker:inference-component:DesiredCopyCount target). Acknowledge the finding on purpose-built development endpoints and components that scale to zero.',
  check(node) {
    if (node.cfnResourceType === 'AWS::SageMaker::InferenceComponent') return checkComponent(node);
    if (node.cfnResourceType !== 'AWS::SageMaker::Endpoint') return NagRuleCompliance.NOT_APPLICABLE;
    const endpoint = renderedProperties(node);
    const config = resolveReference(node, endpoint.EndpointConfigName);
    if (!config || config.type !== 'AWS::SageMaker::EndpointConfig') return NagRuleCompliance.NOT_APPLICABLE;
    // Managed instance scaling follows the components' copies: the copies are checked on the components.
    if (hostsInferenceComponents(config.properties)) return NagRuleCompliance.NOT_APPLICABLE;

    // The names the endpoint is known by in a scaling target's ResourceId.
    const logicalId = logicalIdOf(node);
    const names = new Set<string>([`\${${logicalId}.EndpointName}`]);
    const literalName = renderString(endpoint.EndpointName);
    if (literalName) names.add(literalName);
    const minimums = new Map<string, number>();
    for (const target of resourcesOfType(node, 'AWS::ApplicationAutoScaling::ScalableTarget')) {
      const t = target.properties;
      if (t.ServiceNamespace !== 'sagemaker' || t.ScalableDimension !== 'sagemaker:variant:DesiredInstanceCount') continue;
      const m = /^endpoint\/(.+)\/variant\/(.+)$/.exec(renderString(t.ResourceId) ?? '');
      const min = literalNumber(t.MinCapacity);
      if (m && names.has(m[1]) && min !== undefined) minimums.set(m[2], Math.max(min, minimums.get(m[2]) ?? 0));
    }

    const variants = asArray(config.properties.ProductionVariants).filter((v) => v && !isSet(v.ServerlessConfig));
    if (variants.length === 0) return NagRuleCompliance.NOT_APPLICABLE;
    const single = variants.some((v) => {
      const initial = literalNumber(v.InitialInstanceCount) ?? 0;
      const managedMin = literalNumber(v.ManagedInstanceScaling?.MinInstanceCount) ?? 0;
      const scalingMin = minimums.get(renderString(v.VariantName) ?? '') ?? 0;
      return Math.max(initial, managedMin, scalingMin) < 2;
    });
    return single ? NagRuleCompliance.NON_COMPLIANT : NagRuleCompliance.COMPLIANT;
  },
});

/**
 * The copies an inference component keeps: the MinCapacity of its copy scaling target when it has one (the
 * floor autoscaling returns to), otherwise its RuntimeConfig.CopyCount.
 */
function checkComponent(node: Parameters<typeof renderedProperties>[0]) {
  const p = renderedProperties(node);
  const names = new Set<string>([`\${${logicalIdOf(node)}.InferenceComponentName}`]);
  const literalName = renderString(p.InferenceComponentName);
  if (literalName) names.add(literalName);
  let floor: number | undefined;
  for (const target of resourcesOfType(node, 'AWS::ApplicationAutoScaling::ScalableTarget')) {
    const t = target.properties;
    if (t.ServiceNamespace !== 'sagemaker' || t.ScalableDimension !== 'sagemaker:inference-component:DesiredCopyCount') continue;
    const m = /^inference-component\/(.+)$/.exec(renderString(t.ResourceId) ?? '');
    const min = literalNumber(t.MinCapacity);
    if (m && names.has(m[1]) && min !== undefined) floor = Math.max(min, floor ?? 0);
  }
  floor ??= literalNumber(p.RuntimeConfig?.CopyCount) ?? 1;
  return floor < 2 ? NagRuleCompliance.NON_COMPLIANT : NagRuleCompliance.COMPLIANT;
}
