import { GenAIRule } from '../rule';
import { BedrockGuardrailContextualGrounding } from './bedrock-guardrail-contextual-grounding';
import { BedrockGuardrailKMSKey } from './bedrock-guardrail-kms-key';
import { BedrockGuardrailPIIFilter } from './bedrock-guardrail-pii-filter';
import { BedrockGuardrailPromptAttackFilter } from './bedrock-guardrail-prompt-attack-filter';
import { BedrockPromptKMSKey } from './bedrock-prompt-kms-key';
import { LambdaInvokeScopedResources } from './lambda-invoke-scoped-resources';
import { SageMakerAsyncOutputKMSKey } from './sagemaker-async-output-kms-key';
import { SageMakerDataCaptureKMSKey } from './sagemaker-data-capture-kms-key';
import { SageMakerEndpointAutoRollback } from './sagemaker-endpoint-auto-rollback';
import { SageMakerEndpointConfigKMSKey } from './sagemaker-endpoint-config-kms-key';
import { SageMakerEndpointMultiInstance } from './sagemaker-endpoint-multi-instance';
import { SageMakerJobInterContainerEncryption } from './sagemaker-job-inter-container-encryption';
import { SageMakerJobNetworkIsolation } from './sagemaker-job-network-isolation';
import { SageMakerJobOutputKMSKey } from './sagemaker-job-output-kms-key';
import { SageMakerJobVolumeKMSKey } from './sagemaker-job-volume-kms-key';
import { SageMakerModelNetworkIsolation } from './sagemaker-model-network-isolation';
import { SageMakerPipelineRoleNotAdmin } from './sagemaker-pipeline-role-not-admin';

/** Every GenAIChecks rule, in the order the pack applies them (and the README lists them). */
export const GENAI_RULES: readonly GenAIRule[] = [
  SageMakerModelNetworkIsolation,
  SageMakerEndpointConfigKMSKey,
  SageMakerDataCaptureKMSKey,
  SageMakerAsyncOutputKMSKey,
  SageMakerEndpointAutoRollback,
  SageMakerEndpointMultiInstance,
  SageMakerJobNetworkIsolation,
  SageMakerJobInterContainerEncryption,
  SageMakerJobOutputKMSKey,
  SageMakerJobVolumeKMSKey,
  SageMakerPipelineRoleNotAdmin,
  BedrockGuardrailPromptAttackFilter,
  BedrockGuardrailPIIFilter,
  BedrockGuardrailContextualGrounding,
  BedrockGuardrailKMSKey,
  BedrockPromptKMSKey,
  LambdaInvokeScopedResources,
];
