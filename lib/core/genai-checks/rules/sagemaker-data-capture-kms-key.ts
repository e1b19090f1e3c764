import { NagMessageLevel, NagRuleCompliance } from 'cdk-nag';
import { defineRule } from '../rule';
import { isSet, renderedProperties } from '../private/template';

/** GenAI-SageMakerDataCaptureKMSKey: captured prompts and completions are written with a customer key. */
export const SageMakerDataCaptureKMSKey = defineRule({
  name: 'SageMakerDataCaptureKMSKey',
  level: NagMessageLevel.ERROR,
  resourceTypes: ['AWS::SageMaker::EndpointConfig'],
  info: 'The SageMaker endpoint config captures requests and responses without a KMS key.',
  explanation: 'Data capture writes every prompt and completion to S3; they are the most sensitive data of a GenAI workload and must be encrypted with a key you control.',
  fix: 'Set DataCaptureConfig.KmsKeyId to a customer-managed key (or turn capture off with EnableCapture: false).',
  check(node) {
    if (node.cfnResourceType !== 'AWS::SageMaker::EndpointConfig') return NagRuleCompliance.NOT_APPLICABLE;
    const capture = renderedProperties(node).DataCaptureConfig;
    if (!isSet(capture) || capture.EnableCapture === false || capture.EnableCapture === 'false') return NagRuleCompliance.NOT_APPLICABLE;
    return isSet(capture.KmsKeyId) ? NagRuleCompliance.COMPLIANT : NagRuleCompliance.NON_COMPLIANT;
  },
});
