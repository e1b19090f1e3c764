import { Stack, Token } from 'aws-cdk-lib';
import { IConstruct } from 'constructs';
import { GenAIValidationError } from '../../core/errors';
import { CustomPattern, LocalCheckAction, LocalCheckType, LocalCheckTypeAction } from '../local-checks';
import { checkCustomPattern, MAX_PATTERN_STEPS, MAX_PATTERN_WIDTH } from './custom-pattern';

/** The local-check props of GuardrailFunction. */
export interface LocalCheckProps {
  /** GuardrailFunctionProps.localCheckActions */
  readonly localCheckActions?: LocalCheckTypeAction[];
  /** GuardrailFunctionProps.localCheckAllowList */
  readonly localCheckAllowList?: string[];
  /** GuardrailFunctionProps.deniedWords */
  readonly deniedWords?: string[];
  /** GuardrailFunctionProps.customPatterns */
  readonly customPatterns?: CustomPattern[];
  /** GuardrailFunctionProps.phoneDefaultRegion */
  readonly phoneDefaultRegion?: string;
}

/** Largest LOCAL_CHECKS value: Lambda allows 4 KB of environment in all, the function needs about 1.5 KB. */
export const MAX_LOCAL_CHECKS_BYTES = 2048;

const NAME = /^[A-Z][A-Z0-9_]{0,31}$/;

/**
 * Validates the local-check props (throws GenAIValidationError naming the construct, the prop, the value and
 * what is allowed) and returns the JSON the function reads from `LOCAL_CHECKS`, or undefined when nothing
 * differs from the defaults. Tokens are not validated (they resolve at deploy time).
 */
export function localChecksEnvironment(scope: IConstruct, props: LocalCheckProps): string | undefined {
  const config: { [key: string]: unknown } = {};
  const builtIn = new Set<string>(Object.values(LocalCheckType));

  if (props.localCheckActions && props.localCheckActions.length > 0) {
    const actions: { [type: string]: string } = {};
    for (const [i, a] of props.localCheckActions.entries()) {
      if (!builtIn.has(a.findingType)) throw new GenAIValidationError(scope, `localCheckActions[${i}].findingType`, a.findingType, `one of ${[...builtIn].join(', ')}`);
      if (!Object.values(LocalCheckAction).includes(a.action)) throw new GenAIValidationError(scope, `localCheckActions[${i}].action`, a.action, 'BLOCK, REDACT or ALLOW');
      if (actions[a.findingType] !== undefined) throw new GenAIValidationError(scope, `localCheckActions[${i}].findingType`, a.findingType, 'each finding type at most once');
      actions[a.findingType] = a.action;
    }
    config.actions = actions;
  }

  const strings = (prop: string, values: string[] | undefined, max: number, maxLength: number, rule: RegExp, allowed: string): string[] | undefined => {
    if (values === undefined || values.length === 0) return undefined;
    if (values.length > max) throw new GenAIValidationError(scope, prop, `${values.length} entries`, `at most ${max} entries`);
    for (const [i, v] of values.entries()) {
      if (Token.isUnresolved(v)) continue;
      if (v.trim().length === 0 || v.length > maxLength || !rule.test(v)) throw new GenAIValidationError(scope, `${prop}[${i}]`, v, allowed);
    }
    return values;
  };
  const allow = strings('localCheckAllowList', props.localCheckAllowList, 100, 256, /^[^\n\r]+$/, 'a value or a domain of 1 to 256 characters on one line');
  if (allow) config.allowList = allow;
  const denied = strings('deniedWords', props.deniedWords, 200, 100, /^[^\n\r]*[\p{L}\p{N}][^\n\r]*$/u, 'a word or phrase of 1 to 100 characters with a letter or digit, on one line');
  if (denied) config.deniedWords = denied;

  if (props.customPatterns && props.customPatterns.length > 0) {
    if (props.customPatterns.length > 20) throw new GenAIValidationError(scope, 'customPatterns', `${props.customPatterns.length} patterns`, 'at most 20 patterns');
    const names = new Set<string>();
    config.customPatterns = props.customPatterns.map((p, i) => {
      if (!Token.isUnresolved(p.name)) {
        if (!NAME.test(p.name)) throw new GenAIValidationError(scope, `customPatterns[${i}].name`, p.name, 'upper-case letters, digits and _, starting with a letter, at most 32 characters');
        if (builtIn.has(p.name)) throw new GenAIValidationError(scope, `customPatterns[${i}].name`, p.name, `a name that is not a built-in finding type (${[...builtIn].join(', ')})`);
        if (names.has(p.name)) throw new GenAIValidationError(scope, `customPatterns[${i}].name`, p.name, 'a name used by one pattern only');
        names.add(p.name);
      }
      if (!Token.isUnresolved(p.pattern)) {
        if (p.pattern.length > 1000) throw new GenAIValidationError(scope, `customPatterns[${i}].pattern`, p.pattern, 'at most 1000 characters');
        const verdict = checkCustomPattern(p.pattern, p.caseInsensitive ?? false);
        if (!verdict.ok) {
          throw new GenAIValidationError(
            scope,
            `customPatterns[${i}].pattern`,
            p.pattern,
            `a regular expression in RE2 syntax that runs in linear time: no lookaround or backreferences, bounded repetitions only ({1,64} rather than +, {0,64} rather than *), ` +
              `at most ${MAX_PATTERN_WIDTH} characters matched and at most ${MAX_PATTERN_STEPS} steps per match attempt (found ${verdict.problem})`,
          );
        }
      }
      const action = p.action ?? LocalCheckAction.REDACT;
      if (!Object.values(LocalCheckAction).includes(action)) throw new GenAIValidationError(scope, `customPatterns[${i}].action`, action, 'BLOCK, REDACT or ALLOW');
      return { name: p.name, pattern: p.pattern, action, caseInsensitive: p.caseInsensitive ?? false };
    });
  }

  if (props.phoneDefaultRegion !== undefined && !Token.isUnresolved(props.phoneDefaultRegion)) {
    if (!/^[A-Z]{2}$/.test(props.phoneDefaultRegion)) throw new GenAIValidationError(scope, 'phoneDefaultRegion', props.phoneDefaultRegion, "an ISO 3166 alpha-2 region code in capitals, e.g. 'US', 'GB', 'DE'");
  }
  if (props.phoneDefaultRegion !== undefined) config.phoneDefaultRegion = props.phoneDefaultRegion;

  if (Object.keys(config).length === 0) return undefined;
  const plain = JSON.stringify(config);
  // values with tokens are resolved into the JSON at synth; plain values are checked for size here
  const json = Token.isUnresolved(plain) ? Stack.of(scope).toJsonString(config) : plain;
  if (!Token.isUnresolved(json) && Buffer.byteLength(json, 'utf8') > MAX_LOCAL_CHECKS_BYTES) {
    throw new GenAIValidationError(
      scope,
      'deniedWords, customPatterns and localCheckAllowList',
      `${Buffer.byteLength(json, 'utf8')} bytes of configuration`,
      `at most ${MAX_LOCAL_CHECKS_BYTES} bytes together: they travel in the function's environment, which Lambda limits to 4 KB`,
    );
  }
  return json;
}
