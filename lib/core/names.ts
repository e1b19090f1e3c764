import { IConstruct } from 'constructs';
import { GenAIValidationError, isUnresolved } from './errors';

/**
 * Validation of physical names and tag values the library passes to AWS, so that a bad value fails
 * `cdk synth` with one clear message instead of a failed deployment (or a hundred schema findings).
 */

/**
 * A SageMaker resource name (endpoint, pipeline, model package group): SageMaker's pattern
 * `[a-zA-Z0-9](-*[a-zA-Z0-9])*`, in lower case because SageMaker writes some of these names in lower case
 * into ARNs and IAM compares ARNs case-sensitively (the permissions this library grants name them).
 * Tokens are skipped.
 *
 * @param maxLength SageMaker's limit, or less where the library derives longer names from it
 * @param reason why the limit is lower than SageMaker's, if it is
 */
export function validateSageMakerName(scope: IConstruct, property: string, value: string | undefined, maxLength: number, reason = ''): void {
  if (value === undefined || isUnresolved(value)) return;
  if (typeof value !== 'string' || !/^[a-z0-9](-*[a-z0-9])*$/.test(value) || value.length > maxLength) {
    throw new GenAIValidationError(
      scope,
      property,
      value,
      `lower-case letters, digits and hyphens, starting and ending with a letter or digit, 1 to ${maxLength} characters${reason ? ` (${reason})` : ''}`,
    );
  }
}

/**
 * The name of a REST API: 1 to 1024 printable ASCII characters, not only spaces. API Gateway publishes
 * the name as the `ApiName` dimension of its CloudWatch metrics, and CloudWatch takes dimension values of
 * at most 1024 ASCII characters with at least one that is not whitespace. Tokens are skipped.
 */
export function validateRestApiName(scope: IConstruct, property: string, value: string | undefined): void {
  if (value === undefined || isUnresolved(value)) return;
  if (typeof value !== 'string' || !/^[\x20-\x7e]{1,1024}$/.test(value) || value.trim() === '') {
    throw new GenAIValidationError(
      scope,
      property,
      value,
      '1 to 1024 printable ASCII characters, not only spaces (the name is the ApiName dimension of the API Gateway metrics)',
    );
  }
}

/** Characters of a tag value: Unicode letters, digits and spaces, and `_ . : / = + - @`. */
const TAG_VALUE = /^[\p{L}\p{Z}\p{N}_.:/=+\-@]{1,256}$/u;

/**
 * A value of a tag the library puts on every resource: 1 to 256 Unicode letters, digits and spaces and
 * `_ . : / = + - @` (the AWS tag rules, which CloudFormation checks on every tagged resource), not
 * starting with the reserved prefix `aws:`. Tokens are skipped.
 */
export function validateTagValue(scope: IConstruct, property: string, value: string | undefined, tagKey: string): void {
  if (value === undefined || isUnresolved(value)) return;
  if (typeof value !== 'string' || !TAG_VALUE.test(value) || value.toLowerCase().startsWith('aws:')) {
    throw new GenAIValidationError(
      scope,
      property,
      value,
      `a value for the "${tagKey}" tag of every resource: 1 to 256 letters, digits, spaces and _ . : / = + - @ (the AWS tag rules), not starting with "aws:"`,
    );
  }
}
