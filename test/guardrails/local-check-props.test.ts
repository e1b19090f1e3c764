import { App, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { SecureDataLake } from '../../lib/data-lake/secure-data-lake';
import { Guardrail } from '../../lib/guardrails/guardrail';
import { GuardrailFunction, GuardrailFunctionProps } from '../../lib/guardrails/guardrail-function';
import { CustomPattern, LocalCheckAction, LocalCheckType } from '../../lib/guardrails/local-checks';
import { ModelTarget } from '../../lib/guardrails/model-target';
import { checkCustomPattern, MAX_PATTERN_STEPS, MAX_PATTERN_WIDTH } from '../../lib/guardrails/private/custom-pattern';

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
    ['lookahead', { customPatterns: [{ name: 'X', pattern: 'pass(?=word)' }] }, /^S\/Fn: invalid customPatterns\[0\]\.pattern: got "pass\(\?=word\)"; allowed: a regular expression in RE2 syntax that runs in linear time: .*\(found lookahead/],
    ['lookbehind', { customPatterns: [{ name: 'X', pattern: '(?<!x)y' }] }, /invalid customPatterns\[0\]\.pattern: got "\(\?<!x\)y".*found lookbehind/],
    ['backreference', { customPatterns: [{ name: 'X', pattern: '(a{1,9})\\1' }] }, /invalid customPatterns\[0\]\.pattern: .*found a backreference \\1/],
    ['possessive quantifier', { customPatterns: [{ name: 'X', pattern: 'a?+b' }] }, /found a possessive quantifier/],
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

describe('custom patterns: RE2 syntax, bounded, run on native RegExp in linear time', () => {
  test('an unbounded pattern fails synth, naming the construct, the prop, the value, what is allowed and a bounded alternative', () => {
    expect(() => build({ customPatterns: [{ name: 'TICKET', pattern: 'TCK-[0-9]+' }] })).toThrow(
      'S/Fn: invalid customPatterns[0].pattern: got "TCK-[0-9]+"; allowed: a regular expression in RE2 syntax that runs in linear time: no lookaround or backreferences, ' +
        'bounded repetitions only ({1,64} rather than +, {0,64} rather than *), at most 256 characters matched and at most 512 steps per match attempt ' +
        '(found an unbounded repetition + after [0-9] (use a bounded one such as {1,64}))',
    );
    expect(() => build({ customPatterns: [{ name: 'X', pattern: 'id=.*' }] })).toThrow(/found an unbounded repetition \* after \. \(use a bounded one such as \{0,64\}\)/);
    expect(() => build({ customPatterns: [{ name: 'X', pattern: '[a-z]{3,}' }] })).toThrow(/found an unbounded repetition \{3,\} after \[a-z\] \(use a bounded one such as \{3,64\}\)/);
  });

  test.each<[string, string, RegExp]>([
    ['wider than the limit', 'x{300}', /found a pattern that can match 300 characters \(at most 256/],
    ['ambiguous repetitions in a row (minutes on 2,000 digits when wider)', '[0-9]{1,16}[0-9]{1,16}x', /found \[0-9\]\{1,16\}, which a regex engine can match in 16 ways and go on .*up to 528 steps per match attempt, at most 512/],
    ['alternatives that match the same text, repeated (exponential)', '(?:a|a){1,25}b', /found \(\?:a\|a\)\{1,25\}, which a regex engine can match in 33554432 ways/],
    ['a repetition of a repetition', '(?:[a-z]{1,10}){1,10}!', /found \(\?:\[a-z\]\{1,10\}\)\{1,10\}, which a regex engine can match in 10000000000 ways/],
    ['a repetition of something that can match nothing', '(?:x{0,3}){2}y', /found a repetition of something that can match nothing/],
    ['case-insensitive overlap counts', '[a-z]{1,40}[A-Z]{1,40}', /found \[a-z\]\{1,40\}, which a regex engine can match in 40 ways/],
  ])('%s fails synth: %s', (_name, pattern, message) => {
    expect(() => build({ customPatterns: [{ name: 'X', pattern, caseInsensitive: true }] })).toThrow(message);
  });

  test('the limits are the documented ones', () => {
    expect([MAX_PATTERN_WIDTH, MAX_PATTERN_STEPS]).toEqual([256, 512]);
  });

  // The verdicts of RE2 itself (re2js 2.10, recorded before it was removed): every pattern RE2 rejects is
  // rejected; a pattern RE2 accepts is accepted unless it is unbounded or too costly (then the reason says so),
  // or uses the few RE2 forms JavaScript has no equivalent of (flags on part of a pattern, repeated assertions).
  test.each<[string, boolean, RegExp | undefined]>([
    ['ACC-[0-9]{8}', true, undefined], ['(?i)secret', true, undefined], ['(?P<id>[A-Z]{3})-\\d{1,8}', true, undefined], ['(?<id>x)', true, undefined],
    ['\\pL{1,8}', true, undefined], ['\\p{Greek}{1,8}', true, undefined], ['[[:alpha:]]{1,8}', true, undefined], ['\\Qa.b\\E', true, undefined], ['a{2,5}?', true, undefined],
    ['^(?:foo|bar)$', true, undefined], ['[^\\]]{1,8}', true, undefined], ['\\x{41}', true, undefined], ['\\bword\\b', true, undefined], ['(?s:.)', true, undefined], ['(?m)^x$', true, undefined],
    ['a|b|', true, undefined], ['[a-z&&[^x]]', true, undefined], ['x{200}', true, undefined], ['\\d{3}-\\d{2}-\\d{4}', true, undefined], ['(?U)a{1,3}', true, undefined],
    ['a{,5}', true, undefined], ['[\\d-z]', true, undefined], ['\\012', true, undefined], ['\\_', true, undefined], ['\\-', true, undefined], ['\\pN', true, undefined],
    ['\\p{^Greek}', true, undefined], ['\\p{Latin}', true, undefined], ['\\p{Any}', true, undefined], ['[[:^digit:]]', true, undefined], ['(?-s:.)', true, undefined],
    ['x??', true, undefined], ['[]a]', true, undefined], ['[^]a]', true, undefined], ['\\Az\\z', true, undefined], ['😀{2}', true, undefined], ['[😀-😂]', true, undefined], ['\\Qab', true, undefined],
    ['(?im)^x', true, undefined],
    ['a+', true, /an unbounded repetition \+/], ['\\pL+', true, /an unbounded repetition \+/], ['a{1000}', true, /can match 1000 characters/], ['()', true, /matches no characters/],
    ['(?i:x)', true, /\(\?i: \.\.\.\) on part of a pattern/], ['^*', true, /nothing to repeat/], ['\\b{2}', true, /nothing to repeat/],
    ['pass(?=word)', false, /lookahead/], ['(?!x)y', false, /lookahead/], ['(?<=a)b', false, /lookbehind/], ['(?<!a)b', false, /lookbehind/], ['(a)\\1', false, /a backreference \\1/],
    ['\\k<n>', false, /a backreference \\k/], ['a*+', false, /unbounded/], ['a?+', false, /a possessive quantifier/], ['(?>a)', false, /an atomic group/], ['a{1001}', false, /a repetition count above 1000/],
    ['x{2,1}', false, /m < n/], ['(ab', false, /an unbalanced \(/], ['ab)', false, /an unbalanced \)/], ['[ab', false, /an unterminated \[/], ['*a', false, /nothing to repeat/],
    ['\\Z', false, /\\Z/], ['(?x) a', false, /an unknown group/], ['\\u0041', false, /\\u escape/], ['\\h', false, /\\h/], ['\\cA', false, /\\c/], ['(?#c)', false, /a comment group/],
    ['(?(1)a|b)', false, /a conditional/], ['(?R)', false, /recursion/], ['(?1)', false, /recursion/], ['\\e', false, /\\e/], ['[a-\\d]', false, /a range whose end is a class/],
    ['[z-a]', false, /a range out of order/], ['\\8', false, /a backreference \\8/], ['[\\b]', false, /\\b inside a class/], ['\\p{Foo}', false, /an unknown Unicode class/],
    ['[[:foo:]]', false, /an unknown \[:class:\]/], ['(?P<a>x)(?P<a>y)', false, /a duplicate group name a/], ['x{3}{2}', false, /a repeated quantifier/], ['\\x4', false, /a malformed \\x escape/],
    ['\\x{110000}', false, /a malformed \\x escape/], ['\\C', false, /\\C/], ['(?P=name)', false, /an unknown group/], ['\\é', false, /an unknown escape/], ['a{1,2}{3}', false, /a repeated quantifier/],
  ])('%s (RE2 accepts: %s)', (pattern, re2Accepts, problem) => {
    const verdict = checkCustomPattern(pattern);
    if (problem === undefined) {
      expect(re2Accepts).toBe(true);
      expect(verdict).toMatchObject({ ok: true });
    } else {
      expect(verdict).toMatchObject({ ok: false, problem: expect.stringMatching(problem) });
    }
  });

  test.each<[string, boolean, string, string[]]>([
    // pattern, caseInsensitive, text, the matches
    ['(?i)secret', false, 'a SECRET and a Secret', ['SECRET', 'Secret']],
    ['secret', true, 'a SECRET', ['SECRET']],
    ['\\pL{1,8}', false, 'Ωmega 42', ['Ωmega']],
    ['\\p{Greek}{1,8}', false, 'alpha αβγ', ['αβγ']],
    ['[[:alpha:]]{1,3}', false, 'ab1cde', ['ab', 'cde']],
    ['\\Qa.b\\E', false, 'axb a.b', ['a.b']],
    ['\\x{41}\\x42', false, 'zABz', ['AB']],
    ['(?s:a.b)', false, 'a\nb', ['a\nb']],
    ['a.b', false, 'a\nb a\rb', ['a\rb']], // RE2's dot: any character but \n
    ['a\\sb', false, 'a\u000bb a\tb a\u00a0b', ['a\tb']], // RE2's \s: \t \n \f \r and space
    ['(?m)^x$', false, 'a\nx\nb', ['x']],
    ['^x', false, 'a\nx', []],
    ['\\Ax', false, 'xx', ['x']],
    ['(?U)a{1,3}', false, 'aaa', ['a', 'a', 'a']],
    ['😀{2}', false, '😀😀😀', ['😀😀']],
    ['.{2}', false, '😀😀', ['😀😀']], // a character is a code point (flag u)
    ['(?P<id>[A-Z]{3})-\\d{2}', false, 'ABC-12', ['ABC-12']],
    ['[^]a]{1,2}', false, ']]xa', ['x']],
  ])('%s (caseInsensitive %s) translates to JavaScript with RE2 semantics', (pattern, caseInsensitive, text, matches) => {
    const verdict = checkCustomPattern(pattern, caseInsensitive);
    if (!verdict.ok) throw new Error(verdict.problem);
    expect([...text.matchAll(new RegExp(verdict.pattern.source, verdict.pattern.flags))].map((m) => m[0])).toEqual(matches);
    expect(verdict.pattern.flags).toBe(caseInsensitive || pattern.startsWith('(?i)') ? 'giu' : 'gu');
  });

  test.each<[string, number, number]>([
    // the step bound: about twice the width when every repetition ends where something else begins
    ['ACC-[0-9]{8}', 12, 12],
    ['[a-z]{1,64}@[a-z]{1,64}', 129, 192],
    ['(?:PRJ|PROJ)-\\d{4}', 9, 17],
    ['[a-z0-9._%+-]{1,32}@[a-z0-9-]{1,32}(?:\\.[a-z0-9-]{1,32}){1,4}', 197, 383],
    ['[0-9]{1,8}[0-9]{1,8}x', 17, 136], // ambiguous but small: 8 ways
  ])('%s: width %d, at most %d steps per match attempt', (pattern, width, steps) => {
    expect(checkCustomPattern(pattern)).toMatchObject({ ok: true, pattern: { width, steps } });
  });
});

test('CustomPattern and the enums are plain data (jsii structs and enums)', () => {
  const p: CustomPattern = { name: 'X', pattern: 'x' };
  expect(Object.keys(p)).toEqual(['name', 'pattern']);
  expect(LocalCheckAction.REDACT).toBe('REDACT');
  expect(Object.values(LocalCheckType)).toContain('PROMPT_INJECTION');
});
