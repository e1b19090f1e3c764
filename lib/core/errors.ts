import { Token } from 'aws-cdk-lib';
import { IConstruct } from 'constructs';

const VALIDATION_ERROR_SYMBOL = Symbol.for('genai-platform-constructs.GenAIValidationError');

/**
 * The one error type this library throws for invalid construct props (internal: recognize it with
 * {@link GenAIErrors.isGenAIValidationError}, since jsii languages cannot catch TypeScript `Error`
 * subclasses by type).
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
    Object.defineProperty(this, VALIDATION_ERROR_SYMBOL, { value: true });
  }
}

/**
 * Recognizes the errors this library throws, in every jsii language (aws-cdk-lib's `Errors` pattern).
 *
 * Invalid props fail at synth with an error whose message names the construct path, the property, the
 * value given and what is allowed; `name` is `GenAIValidationError`.
 */
export class GenAIErrors {
  /**
   * True when `x` is an error this library threw for invalid construct props (from any copy of the
   * library loaded in the process).
   *
   * @param x any value, typically a caught error
   */
  public static isGenAIValidationError(x: any): boolean {
    return x !== null && typeof x === 'object' && VALIDATION_ERROR_SYMBOL in x;
  }

  /**
   * The path of the construct whose props were rejected, or `undefined` when `x` is not a validation
   * error of this library.
   *
   * @param x any value, typically a caught error
   */
  public static constructPathOf(x: any): string | undefined {
    return GenAIErrors.isGenAIValidationError(x) ? (x as GenAIValidationError).constructPath : undefined;
  }

  /**
   * The name of the rejected property (e.g. `minCapacity`), or `undefined` when `x` is not a
   * validation error of this library.
   *
   * @param x any value, typically a caught error
   */
  public static propertyOf(x: any): string | undefined {
    return GenAIErrors.isGenAIValidationError(x) ? (x as GenAIValidationError).property : undefined;
  }

  private constructor() {}
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
