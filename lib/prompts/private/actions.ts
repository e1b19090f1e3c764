/**
 * What a reader of the catalog may do with its prompts: read a version (GetPrompt) and run it with Converse
 * (Bedrock authorizes a prompt ARN as `modelId` with RenderPrompt on the prompt).
 */
export const PROMPT_READ_ACTIONS = ['bedrock:GetPrompt', 'bedrock:RenderPrompt'] as const;

/** What a reader may do with the catalog's key: decrypt, through Bedrock, for the catalog's prompts only. */
export const PROMPT_KEY_READ_ACTIONS = ['kms:Decrypt'] as const;

/** What Bedrock itself needs on the key to encrypt and decrypt prompts (Prompt management's key policy). */
export const PROMPT_KEY_SERVICE_ACTIONS = ['kms:GenerateDataKey', 'kms:Decrypt'] as const;

/** The encryption-context key Bedrock binds a prompt's data keys to (its value is the prompt's ARN). */
export const PROMPT_ENCRYPTION_CONTEXT = 'kms:EncryptionContext:aws:bedrock-prompts:arn';
