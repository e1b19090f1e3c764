import { NagMessageLevel, NagRuleCompliance } from 'cdk-nag';
import { defineRule } from '../rule';
import { asArray, isSet, literalNumber, logicalIdOf, renderString, renderedProperties, resolveReference, resourcesOfType } from '../private/template';

/** GenAI-SageMakerEndpointMultiInstance: an endpoint survives the loss of one instance (or one AZ). */
export const SageMakerEndpointMultiInstance = defineRule({
  name: 'SageMakerEndpointMultiInstance',
  level: NagMessageLevel.WARN,
  resourceTypes: ['AWS::SageMaker::Endpoint', 'AWS::ApplicationAutoScaling::ScalableTarget'],
  info: 'A production variant of the SageMaker endpoint can run on a single instance.',
  explanation: 'SageMaker spreads the instances of a variant across Availability Zones only when there are at least two; one instance is a single point of failure (acceptable in development, hence a warning).',
  fix: 'Set InitialInstanceCount to 2 or more, or register a scaling target (sagemaker:variant:DesiredInstanceCount) with MinCapacity of 2 or more; acknowledge the finding on purpose-built development endpoints.',
  check(node) {
    if (node.cfnResourceType !== 'AWS::SageMaker::Endpoint') return NagRuleCompliance.NOT_APPLICABLE;
    const endpoint = renderedProperties(node);
    const config = resolveReference(node, endpoint.EndpointConfigName);
    if (!config || config.type !== 'AWS::SageMaker::EndpointConfig') return NagRuleCompliance.NOT_APPLICABLE;

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
