import { NagMessageLevel, NagRuleCompliance } from 'cdk-nag';
import { defineRule } from '../rule';
import { asArray, renderedProperties, resolveReference } from '../private/template';
import { hostsInferenceComponents } from './sagemaker-endpoint-multi-instance';

/** GenAI-SageMakerEndpointAutoRollback: a bad deployment rolls itself back. */
export const SageMakerEndpointAutoRollback = defineRule({
  name: 'SageMakerEndpointAutoRollback',
  level: NagMessageLevel.ERROR,
  resourceTypes: ['AWS::SageMaker::Endpoint', 'AWS::SageMaker::InferenceComponent'],
  info: 'The SageMaker endpoint (or inference component) has no deployment config with auto-rollback alarms.',
  explanation: 'Without rollback alarms an update that breaks the model (errors, latency) takes all traffic until someone notices and redeploys by hand.',
  fix: 'Set DeploymentConfig.AutoRollbackConfiguration.Alarms to the CloudWatch alarms that mean "this version is bad" (e.g. 5XX errors and p99 latency), with a blue/green or rolling update policy. On an endpoint that hosts inference components the models roll out per component: set it on each AWS::SageMaker::InferenceComponent.',
  check(node) {
    if (node.cfnResourceType !== 'AWS::SageMaker::Endpoint' && node.cfnResourceType !== 'AWS::SageMaker::InferenceComponent') return NagRuleCompliance.NOT_APPLICABLE;
    const p = renderedProperties(node);
    if (node.cfnResourceType === 'AWS::SageMaker::Endpoint') {
      // The models of an inference-component endpoint are deployed (and rolled back) by their components.
      const config = resolveReference(node, p.EndpointConfigName);
      if (config?.type === 'AWS::SageMaker::EndpointConfig' && hostsInferenceComponents(config.properties)) return NagRuleCompliance.NOT_APPLICABLE;
    }
    const alarms = asArray(p.DeploymentConfig?.AutoRollbackConfiguration?.Alarms);
    return alarms.length > 0 ? NagRuleCompliance.COMPLIANT : NagRuleCompliance.NON_COMPLIANT;
  },
});
