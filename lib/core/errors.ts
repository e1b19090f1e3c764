import { Token } from 'aws-cdk-lib';
import { IConstruct } from 'constructs';

/**
 * The one error type this library throws for invalid construct props.
 *
 * Its message always names the construct path, the property, the value that was given and what is
 * allowed, so a failed `cdk synth` points straight at the line to fix.
 */
export class GenAIValidationError extends Error {
  /** Path of the construct whose props were rejected. */
  public readonly constructPath: string;
  /** Name of the rejected property (e.g. `minCapacity`). */
  public readonly property: string;

  constructor(scope: IConstruct, property: string, value: unknown, allowed: string) {
    super(`${scope.node.path}: invalid ${property}: got ${describe(value)}; allowed: ${allowed}`);
    this.name = 'GenAIValidationError';
    this.constructPath = scope.node.path;
    this.property = property;
  }
}

function describe(value: unknown): string {
  if (value === undefined) return 'undefined';
  if (typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  try {
    return JSON.stringify(value);
  } catch {
    return String(value);
  }
}

/** True when the value is a CDK token that only resolves at deploy time (validation is skipped). */
export function isUnresolved(value: unknown): boolean {
  if (value === undefined || value === null) return false;
  if (typeof value === 'number') return Token.isUnresolved(value);
  if (typeof value === 'string') return Token.isUnresolved(value);
  return Token.isUnresolved(value);
}

/** Throws unless `min <= value <= max` (and an integer when `integer` is set). Tokens are skipped. */
export function validateRange(
  scope: IConstruct,
  property: string,
  value: number | undefined,
  min: number,
  max: number,
  options: { integer?: boolean } = {},
): void {
  if (value === undefined || isUnresolved(value)) return;
  const okInteger = !options.integer || Number.isInteger(value);
  if (!Number.isFinite(value) || value < min || value > max || !okInteger) {
    throw new GenAIValidationError(
      scope,
      property,
      value,
      `${options.integer ? 'an integer' : 'a number'} from ${min} to ${max}`,
    );
  }
}

/** Throws unless the value is one of `allowed`. Tokens are skipped. */
export function validateOneOf<T extends string | number>(
  scope: IConstruct,
  property: string,
  value: T | undefined,
  allowed: readonly T[],
): void {
  if (value === undefined || isUnresolved(value)) return;
  if (!allowed.includes(value)) {
    throw new GenAIValidationError(scope, property, value, `one of ${allowed.join(', ')}`);
  }
}

/** Throws unless the string matches the pattern. Tokens are skipped. */
export function validatePattern(
  scope: IConstruct,
  property: string,
  value: string | undefined,
  pattern: RegExp,
  allowed: string,
): void {
  if (value === undefined || isUnresolved(value)) return;
  if (!pattern.test(value)) {
    throw new GenAIValidationError(scope, property, value, allowed);
  }
}
