import type * as bedrock from 'aws-cdk-lib/aws-bedrock';

/** One variant as it is deployed (for the catalog and the function's environment). */
export interface DeployedVariant {
  readonly name: string;
  readonly weight: number;
  readonly maxTokens: number;
  readonly prompt: bedrock.CfnPrompt;
  readonly version: bedrock.CfnPromptVersion;
}
