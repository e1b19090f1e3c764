import { App, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { RE2JS } from 're2js';
import { CustomPattern, Guardrail, GuardrailFunction, GuardrailFunctionProps, LocalCheckAction, LocalCheckType, ModelTarget, SecureDataLake } from '../../lib';
import { re2SyntaxProblem } from '../../lib/guardrails/private/re2-syntax';

function build(extra: Partial<GuardrailFunctionProps> = {}) {
  const stack = new Stack(new App(), 'S');
  new GuardrailFunction(stack, 'Fn', { guardrail: new Guardrail(stack, 'Guardrail'), dataLake: new SecureDataLake(stack, 'Lake'), modelTarget: ModelTarget.bedrock('amazon.nova-lite-v1:0'), ...extra });
  return Template.fromStack(stack);
}

function localChecksEnv(t: Template): unknown {
  const fns = t.findResources('AWS::Lambda::Function', { Properties: { Environment: { Variables: { GUARDRAIL_ID: Match.anyValue() } } } });
  const value = Object.values(fns)[0].Properties.Environment.Variables.LOCAL_CHECKS;
  return value === undefined ? undefined : JSON.parse(value);
}

describe('GuardrailFunction local-check props', () => {
  test('by default nothing is configured (LOCAL_CHECKS absent: every type has its default action)', () => {
    expect(localChecksEnv(build())).toBeUndefined();
  });

  test('actions, allow list, denied words, custom patterns and phone region reach the function as LOCAL_CHECKS', () => {
    const t = build({
      localCheckActions: [
        { findingType: LocalCheckType.EMAIL, action: LocalCheckAction.ALLOW },
        { findingType: LocalCheckType.PHONE, action: LocalCheckAction.BLOCK },
      ],
      localCheckAllowList: ['example.com'],
      deniedWords: ['Project Zeus'],
      customPatterns: [{ name: 'ACCOUNT_ID', pattern: 'ACC-[0-9]{8}' }, { name: 'CODENAME', pattern: '(?i)blue(?:bird|jay)', action: LocalCheckAction.BLOCK, caseInsensitive: true }],
      phoneDefaultRegion: 'GB',
    });
    expect(localChecksEnv(t)).toEqual({
      actions: { EMAIL: 'ALLOW', PHONE: 'BLOCK' },
      allowList: ['example.com'],
      deniedWords: ['Project Zeus'],
      customPatterns: [
        { name: 'ACCOUNT_ID', pattern: 'ACC-[0-9]{8}', action: 'REDACT', caseInsensitive: false },
        { name: 'CODENAME', pattern: '(?i)blue(?:bird|jay)', action: 'BLOCK', caseInsensitive: true },
      ],
      phoneDefaultRegion: 'GB',
    });
  });

  test.each<[string, Partial<GuardrailFunctionProps>, RegExp]>([
    ['lookahead', { customPatterns: [{ name: 'X', pattern: 'pass(?=word)' }] }, /^S\/Fn: invalid customPatterns\[0\]\.pattern: got "pass\(\?=word\)"; allowed: a regular expression in RE2 syntax, which runs in linear time \(found lookahead/],
    ['lookbehind', { customPatterns: [{ name: 'X', pattern: '(?<!x)y' }] }, /invalid customPatterns\[0\]\.pattern: got "\(\?<!x\)y".*found lookbehind/],
    ['backreference', { customPatterns: [{ name: 'X', pattern: '(a+)\\1' }] }, /invalid customPatterns\[0\]\.pattern: .*found a backreference \\1/],
    ['possessive quantifier', { customPatterns: [{ name: 'X', pattern: 'a++b' }] }, /found a possessive quantifier/],
    ['atomic group', { customPatterns: [{ name: 'X', pattern: '(?>ab|a)c' }] }, /found an atomic group/],
    ['repetition above 1000', { customPatterns: [{ name: 'X', pattern: 'a{1001}' }] }, /found a repetition count above 1000/],
    ['unbalanced group', { customPatterns: [{ name: 'X', pattern: '(ab' }] }, /found an unbalanced \(/],
    ['lower-case name', { customPatterns: [{ name: 'account', pattern: 'x' }] }, /invalid customPatterns\[0\]\.name: got "account"; allowed: upper-case letters/],
    ['built-in name', { customPatterns: [{ name: 'EMAIL', pattern: 'x' }] }, /invalid customPatterns\[0\]\.name: got "EMAIL"; allowed: a name that is not a built-in finding type/],
    ['duplicate name', { customPatterns: [{ name: 'X', pattern: 'a' }, { name: 'X', pattern: 'b' }] }, /invalid customPatterns\[1\]\.name: got "X"/],
    ['duplicate action', { localCheckActions: [{ findingType: LocalCheckType.EMAIL, action: LocalCheckAction.ALLOW }, { findingType: LocalCheckType.EMAIL, action: LocalCheckAction.BLOCK }] }, /invalid localCheckActions\[1\]\.findingType: got "EMAIL"; allowed: each finding type at most once/],
    ['empty denied word', { deniedWords: ['  '] }, /invalid deniedWords\[0\]: got "  "/],
    ['phone region', { phoneDefaultRegion: 'uk' }, /invalid phoneDefaultRegion: got "uk"; allowed: an ISO 3166 alpha-2 region code/],
    ['too much configuration for the environment', { deniedWords: Array.from({ length: 150 }, (_, i) => `forbidden phrase number ${i}`) }, /invalid deniedWords, customPatterns and localCheckAllowList: got "\d+ bytes of configuration"; allowed: at most 2048 bytes together/],
  ])('%s is a synth error naming the construct, the prop, the value and what is allowed', (_name, extra, message) => {
    expect(() => build(extra)).toThrow(message);
  });
});

describe('the synth-time RE2 syntax check agrees with RE2 (re2js)', () => {
  const patterns = [
    'ACC-[0-9]{8}', '(?i)secret', '(?P<id>[A-Z]{3})-\\d+', '(?<id>x)', '\\pL+', '\\p{Greek}+', '[[:alpha:]]+', '\\Qa.b\\E', 'a{2,5}?', '^(?:foo|bar)$',
    '[^\\]]+', '\\x{41}', '\\bword\\b', '(?s:.)', '(?m)^x$', 'a|b|', '[a-z&&[^x]]', 'x{1000}', '\\d{3}-\\d{2}-\\d{4}', '(?U)a+',
    'pass(?=word)', '(?!x)y', '(?<=a)b', '(?<!a)b', '(a)\\1', '\\k<n>', 'a++', 'a*+', '(?>a)', 'a{1001}', 'x{2,1}', '(ab', 'ab)', '[ab', '*a',
    '\\Z', '(?x) a', '\\u0041', 'a{,5}', '\\h', '\\cA', '(?#c)', '(?(1)a|b)', '(?R)', '(?1)', '\\e',
  ];
  test.each(patterns)('%s', (pattern) => {
    let re2Accepts = true;
    try {
      RE2JS.compile(pattern);
    } catch {
      re2Accepts = false;
    }
    expect({ pattern, accepted: re2SyntaxProblem(pattern) === undefined }).toEqual({ pattern, accepted: re2Accepts });
  });
});

test('CustomPattern and the enums are plain data (jsii structs and enums)', () => {
  const p: CustomPattern = { name: 'X', pattern: 'x' };
  expect(Object.keys(p)).toEqual(['name', 'pattern']);
  expect(LocalCheckAction.REDACT).toBe('REDACT');
  expect(Object.values(LocalCheckType)).toContain('PROMPT_INJECTION');
});
