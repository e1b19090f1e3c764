import { ArnFormat, Stack, Token } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';
import { GenAIValidationError } from '../../core/errors';
import { BEDROCK_INVOKE_ACTIONS } from './actions';

/** Bedrock foundation-model ids: `provider.model-name[:version[:variant]]`. */
const MODEL_ID = /^[a-z0-9-]{2,32}\.[a-zA-Z0-9._-]{1,100}(:[a-z0-9-]{1,16}){0,2}$/;
/** Cross-region inference profile prefixes, which this library does not grant (they span other regions). */
const PROFILE_PREFIX = /^(us|eu|apac|us-gov|global|jp|au|ca)\./;

/** Throws unless `modelId` is a foundation-model id served in this region (tokens are skipped). */
export function validateFoundationModelId(scope: Construct, property: string, modelId: string): void {
  if (Token.isUnresolved(modelId)) return;
  if (PROFILE_PREFIX.test(modelId)) {
    throw new GenAIValidationError(scope, property, modelId, 'a foundation-model id served in this region (cross-region inference profiles send prompts to other regions)');
  }
  if (!MODEL_ID.test(modelId)) {
    throw new GenAIValidationError(scope, property, modelId, 'a Bedrock foundation-model id such as amazon.nova-lite-v1:0');
  }
}

/** Validates a foundation-model id, grants invoke (or `actions`) on exactly that model and returns its ARN. */
export function grantFoundationModel(
  scope: Construct,
  grantee: iam.IGrantable,
  modelId: string,
  property: string,
  actions: readonly string[] = BEDROCK_INVOKE_ACTIONS,
): string {
  validateFoundationModelId(scope, property, modelId);
  // Foundation models are AWS resources: their ARNs have a region but no account.
  const resourceArn = Stack.of(scope).formatArn({
    service: 'bedrock',
    account: '',
    resource: 'foundation-model',
    resourceName: modelId,
    arnFormat: ArnFormat.SLASH_RESOURCE_NAME,
  });
  iam.Grant.addToPrincipal({ grantee, actions: [...actions], resourceArns: [resourceArn] });
  return resourceArn;
}
