// The public API. jsii carries only classes, interfaces, structs and enums to Python, Java, .NET and
// Go, so every name exported here is one of those (the one exception is the deprecated TypeScript-only
// alias `applyCompliance`, kept for one release).

// Core
export { GenAIErrors } from './core/errors';
export { Compliance, ComplianceOptions, applyCompliance } from './core/compliance';
export { ComplianceAcknowledgement, Acknowledgements } from './core/acknowledgements';

// Data
export { DataZone } from './data-lake/data-zone';
export * from './data-lake/secure-data-lake';

// Governance
export * from './audit/audit-trail-ref';
export * from './audit/audit-trail';
export { SecurityAlarmDefinition } from './audit/private/security-alarms';

// Platform
export * from './platform/profile';
export * from './platform/genai-platform';
export * from './platform/genai-platform-stack';

// Inference
export * from './inference/inference-endpoint-ref';
export * from './inference/inference-endpoint';
export * from './inference/deployment-strategy';
export * from './inference/model-source';
export * from './inference/inference-component-ref';
export * from './inference/inference-component-endpoint';
export * from './inference/inference-component';

// Training
export * from './training/training-pipeline-ref';
export * from './training/training-pipeline';

// API
export * from './api/gen-ai-api-ref';
export * from './api/gen-ai-api';

// Cross-account delivery
export * from './platform/genai-platform-pipeline';

// Compliance rules for SageMaker and Bedrock
export * from './core/genai-checks/genai-checks';

// Guardrails
export * from './guardrails/guardrail';
export * from './guardrails/model-target';
export * from './guardrails/guardrail-function';
export * from './guardrails/guardrail-streaming';
export * from './guardrails/local-checks';
export * from './guardrails/invocation-logging';

// Prompt templates and experiments
export * from './prompts/prompt-catalog';
export * from './prompts/prompt-template';

// Continuous evaluation: red-teaming, output evaluation, the promotion gate
export * from './evaluation/red-team';
export * from './evaluation/output-evaluation';
