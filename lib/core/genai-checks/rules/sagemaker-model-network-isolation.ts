import { NagMessageLevel, NagRuleCompliance } from 'cdk-nag';
import { defineRule } from '../rule';
import { isSet, isTrue, renderedProperties } from '../private/template';

/** GenAI-SageMakerModelNetworkIsolation: a model's containers cannot reach the internet. */
export const SageMakerModelNetworkIsolation = defineRule({
  name: 'SageMakerModelNetworkIsolation',
  level: NagMessageLevel.ERROR,
  resourceTypes: ['AWS::SageMaker::Model'],
  info: 'The SageMaker model has neither network isolation nor a VPC config.',
  explanation: 'Without either, the model container has direct internet access and can exfiltrate prompts, outputs and model weights.',
  fix: 'Set EnableNetworkIsolation: true (the container then reaches no network at all), or give the model a VpcConfig with private subnets.',
  check(node) {
    if (node.cfnResourceType !== 'AWS::SageMaker::Model') return NagRuleCompliance.NOT_APPLICABLE;
    const p = renderedProperties(node);
    const vpc = p.VpcConfig;
    const hasVpc = isSet(vpc) && (vpc.Subnets?.length ?? 0) > 0;
    return isTrue(p.EnableNetworkIsolation) || hasVpc ? NagRuleCompliance.COMPLIANT : NagRuleCompliance.NON_COMPLIANT;
  },
});
