import { NagMessageLevel, NagRuleCompliance } from 'cdk-nag';
import { defineRule } from '../rule';
import { isSet, renderedProperties } from '../private/template';

/** GenAI-SageMakerAsyncOutputKMSKey: asynchronous inference results are written with a customer key. */
export const SageMakerAsyncOutputKMSKey = defineRule({
  name: 'SageMakerAsyncOutputKMSKey',
  level: NagMessageLevel.ERROR,
  resourceTypes: ['AWS::SageMaker::EndpointConfig'],
  info: 'The SageMaker endpoint config writes asynchronous inference results without a KMS key.',
  explanation: 'Async inference stores every response (and failure) in S3; without a customer-managed key the results escape your key policy and its audit trail.',
  fix: 'Set AsyncInferenceConfig.OutputConfig.KmsKeyId to a customer-managed key.',
  check(node) {
    if (node.cfnResourceType !== 'AWS::SageMaker::EndpointConfig') return NagRuleCompliance.NOT_APPLICABLE;
    const async = renderedProperties(node).AsyncInferenceConfig;
    if (!isSet(async)) return NagRuleCompliance.NOT_APPLICABLE;
    return isSet(async.OutputConfig?.KmsKeyId) ? NagRuleCompliance.COMPLIANT : NagRuleCompliance.NON_COMPLIANT;
  },
});
