import { NagMessageLevel, NagRuleCompliance } from 'cdk-nag';
import { defineRule } from '../rule';
import { asArray, renderedProperties } from '../private/template';

/** GenAI-SageMakerEndpointAutoRollback: a bad deployment rolls itself back. */
export const SageMakerEndpointAutoRollback = defineRule({
  name: 'SageMakerEndpointAutoRollback',
  level: NagMessageLevel.ERROR,
  resourceTypes: ['AWS::SageMaker::Endpoint'],
  info: 'The SageMaker endpoint has no deployment config with auto-rollback alarms.',
  explanation: 'Without rollback alarms an update that breaks the model (errors, latency) takes all traffic until someone notices and redeploys by hand.',
  fix: 'Set DeploymentConfig.AutoRollbackConfiguration.Alarms to the CloudWatch alarms that mean "this version is bad" (e.g. 5XX errors and p99 latency), with a blue/green or rolling update policy.',
  check(node) {
    if (node.cfnResourceType !== 'AWS::SageMaker::Endpoint') return NagRuleCompliance.NOT_APPLICABLE;
    const alarms = asArray(renderedProperties(node).DeploymentConfig?.AutoRollbackConfiguration?.Alarms);
    return alarms.length > 0 ? NagRuleCompliance.COMPLIANT : NagRuleCompliance.NON_COMPLIANT;
  },
});
