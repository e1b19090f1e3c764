import { NagMessageLevel, NagRuleCompliance } from 'cdk-nag';
import { hasLocalNvmeStorage } from '../../instance-types';
import { defineRule } from '../rule';
import { asArray, isSet, renderedProperties } from '../private/template';

/**
 * True when SageMaker rejects a `KmsKeyId` on an endpoint config with these variants: when any variant runs
 * on an instance type with local NVMe storage, or is serverless (no storage volume of its own).
 */
export function endpointConfigRejectsKey(properties: any): boolean {
  const variants = [...asArray(properties.ProductionVariants), ...asArray(properties.ShadowProductionVariants)];
  return variants.some((v) => isSet(v?.ServerlessConfig) || (typeof v?.InstanceType === 'string' && hasLocalNvmeStorage(v.InstanceType)));
}

/** GenAI-SageMakerEndpointConfigKMSKey: the storage volumes of hosting instances use a customer key. */
export const SageMakerEndpointConfigKMSKey = defineRule({
  name: 'SageMakerEndpointConfigKMSKey',
  level: NagMessageLevel.ERROR,
  resourceTypes: ['AWS::SageMaker::EndpointConfig'],
  info: 'The SageMaker endpoint config has no KmsKeyId although its instance types allow one.',
  explanation: 'The ML storage volumes of EBS-backed hosting instances hold the model and its temporary data; without a customer-managed key you cannot audit or revoke access to them.',
  fix: 'Set KmsKeyId to a customer-managed key (instance types with local NVMe storage, and serverless variants, are exempt: SageMaker rejects a key there and the rule does not fire).',
  check(node) {
    if (node.cfnResourceType !== 'AWS::SageMaker::EndpointConfig') return NagRuleCompliance.NOT_APPLICABLE;
    const p = renderedProperties(node);
    if (endpointConfigRejectsKey(p)) return NagRuleCompliance.NOT_APPLICABLE;
    return isSet(p.KmsKeyId) ? NagRuleCompliance.COMPLIANT : NagRuleCompliance.NON_COMPLIANT;
  },
});
