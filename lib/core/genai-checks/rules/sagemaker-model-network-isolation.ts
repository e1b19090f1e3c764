import { NagMessageLevel, NagRuleCompliance } from 'cdk-nag';
import { defineRule } from '../rule';
import { isSet, isTrue, renderedProperties } from '../private/template';

/** GenAI-SageMakerModelNetworkIsolation: a model's containers cannot reach the internet. */
export const SageMakerModelNetworkIsolation = defineRule({
  name: 'SageMakerModelNetworkIsolation',
  level: NagMessageLevel.ERROR,
  resourceTypes: ['AWS::SageMaker::Model', 'AWS::SageMaker::EndpointConfig'],
  info: 'The SageMaker model has neither network isolation nor a VPC config.',
  explanation: 'Without either, the model container has direct internet access and can exfiltrate prompts, outputs and model weights. An endpoint config with an execution role hosts inference components, whose containers it runs under its own isolation setting.',
  fix: 'Set EnableNetworkIsolation: true (the container then reaches no network at all), or give the model (or the endpoint config) a VpcConfig with private subnets.',
  check(node) {
    const type = node.cfnResourceType;
    if (type !== 'AWS::SageMaker::Model' && type !== 'AWS::SageMaker::EndpointConfig') return NagRuleCompliance.NOT_APPLICABLE;
    const p = renderedProperties(node);
    // Only endpoint configs with an execution role run containers themselves (inference components).
    if (type === 'AWS::SageMaker::EndpointConfig' && !isSet(p.ExecutionRoleArn)) return NagRuleCompliance.NOT_APPLICABLE;
    const vpc = p.VpcConfig;
    const hasVpc = isSet(vpc) && (vpc.Subnets?.length ?? 0) > 0;
    return isTrue(p.EnableNetworkIsolation) || hasVpc ? NagRuleCompliance.COMPLIANT : NagRuleCompliance.NON_COMPLIANT;
  },
});
