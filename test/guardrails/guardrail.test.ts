import { App, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import { ContentFilterType, FilterStrength, Guardrail, GuardrailProps, PiiEntityType, SensitiveInformationAction } from '../../lib/guardrails/guardrail';

function synth(props: GuardrailProps = {}) {
  const stack = new Stack(new App(), 'S');
  const guardrail = new Guardrail(stack, 'Guardrail', props);
  return { stack, guardrail, template: Template.fromStack(stack) };
}

describe('Guardrail', () => {
  test('defaults: every content filter HIGH, prompt attack input only, profanity, PII, grounding, CMK, a version', () => {
    const { template } = synth();
    template.hasResourceProperties('AWS::Bedrock::Guardrail', {
      Name: Match.stringLikeRegexp('^[A-Za-z0-9-]{1,50}$'),
      KmsKeyArn: { 'Fn::GetAtt': [Match.stringLikeRegexp('^GuardrailKey'), 'Arn'] },
      BlockedInputMessaging: Match.stringLikeRegexp('conflicts with the usage policy'),
      BlockedOutputsMessaging: Match.stringLikeRegexp('withheld'),
      ContentPolicyConfig: {
        FiltersConfig: [
          { Type: 'HATE', InputStrength: 'HIGH', OutputStrength: 'HIGH' },
          { Type: 'INSULTS', InputStrength: 'HIGH', OutputStrength: 'HIGH' },
          { Type: 'SEXUAL', InputStrength: 'HIGH', OutputStrength: 'HIGH' },
          { Type: 'VIOLENCE', InputStrength: 'HIGH', OutputStrength: 'HIGH' },
          { Type: 'MISCONDUCT', InputStrength: 'HIGH', OutputStrength: 'HIGH' },
          { Type: 'PROMPT_ATTACK', InputStrength: 'HIGH', OutputStrength: 'NONE' },
        ],
      },
      WordPolicyConfig: { ManagedWordListsConfig: [{ Type: 'PROFANITY' }], WordsConfig: Match.absent() },
      SensitiveInformationPolicyConfig: {
        PiiEntitiesConfig: Match.arrayWith([
          { Type: 'AWS_SECRET_KEY', Action: 'BLOCK' },
          { Type: 'CREDIT_DEBIT_CARD_NUMBER', Action: 'BLOCK' },
          { Type: 'US_SOCIAL_SECURITY_NUMBER', Action: 'BLOCK' },
          { Type: 'EMAIL', Action: 'ANONYMIZE' },
          { Type: 'PHONE', Action: 'ANONYMIZE' },
        ]),
        RegexesConfig: Match.absent(),
      },
      ContextualGroundingPolicyConfig: {
        FiltersConfig: [
          { Type: 'GROUNDING', Threshold: 0.75 },
          { Type: 'RELEVANCE', Threshold: 0.5 },
        ],
      },
      TopicPolicyConfig: Match.absent(),
    });
    template.hasResourceProperties('AWS::Bedrock::GuardrailVersion', {
      GuardrailIdentifier: { 'Fn::GetAtt': [Match.stringLikeRegexp('^Guardrail'), 'GuardrailId'] },
      Description: Match.stringLikeRegexp('^Configuration [0-9a-f]{16}$'),
    });
    template.hasResource('AWS::KMS::Key', { DeletionPolicy: 'Retain', Properties: { EnableKeyRotation: true } });
  });

  test('guardrailId, guardrailArn and guardrailVersion come from the resources', () => {
    const { stack, guardrail } = synth();
    expect(stack.resolve(guardrail.guardrailId)).toEqual({ 'Fn::GetAtt': [expect.stringMatching(/^Guardrail/), 'GuardrailId'] });
    expect(stack.resolve(guardrail.guardrailArn)).toEqual({ 'Fn::GetAtt': [expect.stringMatching(/^Guardrail/), 'GuardrailArn'] });
    expect(stack.resolve(guardrail.guardrailVersion)).toEqual({ 'Fn::GetAtt': [expect.stringMatching(/^GuardrailVersion/), 'Version'] });
  });

  test('a configuration change publishes a new version (the version description changes)', () => {
    const description = (props: GuardrailProps) => {
      const v = synth(props).template.findResources('AWS::Bedrock::GuardrailVersion');
      return (Object.values(v)[0] as any).Properties.Description;
    };
    expect(description({})).toEqual(description({}));
    expect(description({ groundingThreshold: 0.8 })).not.toEqual(description({}));
  });

  test('custom filters, topics, words, PII, regexes, thresholds, messages and key', () => {
    const stack = new Stack(new App(), 'S');
    const key = kms.Key.fromKeyArn(stack, 'K', 'arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab');
    new Guardrail(stack, 'Guardrail', {
      contentFilters: [
        { category: ContentFilterType.HATE, inputStrength: FilterStrength.MEDIUM, outputStrength: FilterStrength.LOW },
        { category: ContentFilterType.PROMPT_ATTACK, inputStrength: FilterStrength.MEDIUM },
      ],
      deniedTopics: [{ name: 'Investment advice', definition: 'Recommendations about buying or selling securities.', examples: ['Should I buy ACME stock?'] }],
      profanityFilter: false,
      blockedWords: ['project-zeus'],
      piiEntities: [{ entity: PiiEntityType.NAME, action: SensitiveInformationAction.BLOCK }],
      sensitiveRegexes: [{ name: 'Account', pattern: 'ACC-\\d{8}', action: SensitiveInformationAction.ANONYMIZE, description: 'internal account ids' }],
      groundingThreshold: 0.9,
      relevanceThreshold: 0.6,
      blockedInputMessage: 'No.',
      blockedOutputMessage: 'Withheld.',
      encryptionKey: key,
      description: 'test guardrail',
    });
    const template = Template.fromStack(stack);
    template.hasResourceProperties('AWS::Bedrock::Guardrail', {
      Description: 'test guardrail',
      KmsKeyArn: 'arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab',
      BlockedInputMessaging: 'No.',
      BlockedOutputsMessaging: 'Withheld.',
      ContentPolicyConfig: {
        FiltersConfig: [
          { Type: 'HATE', InputStrength: 'MEDIUM', OutputStrength: 'LOW' },
          { Type: 'PROMPT_ATTACK', InputStrength: 'MEDIUM', OutputStrength: 'NONE' },
        ],
      },
      TopicPolicyConfig: {
        TopicsConfig: [{ Name: 'Investment advice', Definition: 'Recommendations about buying or selling securities.', Examples: ['Should I buy ACME stock?'], Type: 'DENY' }],
      },
      WordPolicyConfig: { ManagedWordListsConfig: Match.absent(), WordsConfig: [{ Text: 'project-zeus' }] },
      SensitiveInformationPolicyConfig: {
        PiiEntitiesConfig: [{ Type: 'NAME', Action: 'BLOCK' }],
        RegexesConfig: [{ Name: 'Account', Pattern: 'ACC-\\d{8}', Action: 'ANONYMIZE', Description: 'internal account ids' }],
      },
      ContextualGroundingPolicyConfig: { FiltersConfig: [{ Type: 'GROUNDING', Threshold: 0.9 }, { Type: 'RELEVANCE', Threshold: 0.6 }] },
    });
    template.resourceCountIs('AWS::KMS::Key', 0);
  });

  test('no word policy without profanity filter and words', () => {
    synth({ profanityFilter: false }).template.hasResourceProperties('AWS::Bedrock::Guardrail', { WordPolicyConfig: Match.absent() });
  });

  test('grantApply: bedrock:ApplyGuardrail on the guardrail ARN and kms:Decrypt on its key', () => {
    const stack = new Stack(new App(), 'S');
    const guardrail = new Guardrail(stack, 'Guardrail');
    const role = new iam.Role(stack, 'Role', { assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com') });
    guardrail.grantApply(role);
    Template.fromStack(stack).hasResourceProperties('AWS::IAM::Policy', {
      PolicyDocument: {
        Statement: [
          { Action: 'bedrock:ApplyGuardrail', Effect: 'Allow', Resource: { 'Fn::GetAtt': [Match.stringLikeRegexp('^Guardrail'), 'GuardrailArn'] } },
          { Action: 'kms:Decrypt', Effect: 'Allow', Resource: { 'Fn::GetAtt': [Match.stringLikeRegexp('^GuardrailKey'), 'Arn'] } },
        ],
      },
    });
  });

  test('fromGuardrailAttributes: id from the ARN, grants on the ARN and the given key', () => {
    const stack = new Stack(new App(), 'S');
    const key = kms.Key.fromKeyArn(stack, 'K', 'arn:aws:kms:us-east-1:111122223333:key/abc');
    const g = Guardrail.fromGuardrailAttributes(stack, 'G', {
      guardrailArn: 'arn:aws:bedrock:us-east-1:111122223333:guardrail/abc123xyz',
      guardrailVersion: '3',
      encryptionKey: key,
    });
    expect(g.guardrailId).toBe('abc123xyz');
    expect(g.guardrailVersion).toBe('3');
    const role = new iam.Role(stack, 'Role', { assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com') });
    g.grantApply(role);
    Template.fromStack(stack).hasResourceProperties('AWS::IAM::Policy', {
      PolicyDocument: {
        Statement: [
          { Action: 'bedrock:ApplyGuardrail', Effect: 'Allow', Resource: 'arn:aws:bedrock:us-east-1:111122223333:guardrail/abc123xyz' },
          { Action: 'kms:Decrypt', Effect: 'Allow', Resource: 'arn:aws:kms:us-east-1:111122223333:key/abc' },
        ],
      },
    });
    expect(() => Guardrail.fromGuardrailAttributes(stack, 'Bad', { guardrailArn: 'arn:aws:s3:::bucket', guardrailVersion: '1' })).toThrow(
      /Bad: invalid guardrailArn: got "arn:aws:s3:::bucket"; allowed: arn:<partition>:bedrock/,
    );
  });

  describe('validation', () => {
    test.each<[string, GuardrailProps, RegExp]>([
      ['prompt attack output strength', { contentFilters: [{ category: ContentFilterType.PROMPT_ATTACK, inputStrength: FilterStrength.HIGH, outputStrength: FilterStrength.HIGH }] }, /invalid contentFilters.outputStrength: got "HIGH \(PROMPT_ATTACK\)"; allowed: FilterStrength.NONE/],
      ['no prompt attack filter', { contentFilters: [{ category: ContentFilterType.HATE, inputStrength: FilterStrength.HIGH }] }, /invalid contentFilters: .*includes PROMPT_ATTACK/],
      ['prompt attack off', { contentFilters: [{ category: ContentFilterType.PROMPT_ATTACK, inputStrength: FilterStrength.NONE }] }, /includes PROMPT_ATTACK/],
      ['duplicate filter', { contentFilters: [{ category: ContentFilterType.PROMPT_ATTACK, inputStrength: FilterStrength.HIGH }, { category: ContentFilterType.PROMPT_ATTACK, inputStrength: FilterStrength.LOW }] }, /each category at most once/],
      ['bad strength', { contentFilters: [{ category: ContentFilterType.PROMPT_ATTACK, inputStrength: 'MAX' as FilterStrength }] }, /invalid contentFilters.inputStrength: got "MAX"/],
      ['bad category', { contentFilters: [{ category: 'GORE' as ContentFilterType, inputStrength: FilterStrength.HIGH }] }, /invalid contentFilters.category: got "GORE"/],
      ['bad category through the deprecated type', { contentFilters: [{ type: 'GORE' as ContentFilterType, inputStrength: FilterStrength.HIGH }] }, /invalid contentFilters.category: got "GORE"/],
      ['category and the deprecated type together', { contentFilters: [{ category: ContentFilterType.HATE, type: ContentFilterType.HATE, inputStrength: FilterStrength.HIGH }] }, /invalid contentFilters\[0\]\.category: got \{"category":"HATE","type":"HATE"\}; allowed: exactly one of category or the deprecated type/],
      ['neither category nor type', { contentFilters: [{ inputStrength: FilterStrength.HIGH }] }, /invalid contentFilters\[0\]\.category: got \{\}; allowed: exactly one of category/],
      ['neither entity nor type', { piiEntities: [{ action: SensitiveInformationAction.BLOCK }] }, /invalid piiEntities\[0\]\.entity: got \{\}; allowed: exactly one of entity or the deprecated type/],
      ['topic name', { deniedTopics: [{ name: 'bad/name', definition: 'x' }] }, /invalid deniedTopics.name: got "bad\/name"/],
      ['topic definition', { deniedTopics: [{ name: 'ok', definition: 'x'.repeat(201) }] }, /invalid deniedTopics.definition/],
      ['topic examples', { deniedTopics: [{ name: 'ok', definition: 'x', examples: ['1', '2', '3', '4', '5', '6'] }] }, /invalid deniedTopics.examples/],
      ['duplicate topic', { deniedTopics: [{ name: 'ok', definition: 'x' }, { name: 'ok', definition: 'y' }] }, /each name at most once/],
      ['blank word', { blockedWords: [' '] }, /invalid blockedWords: got " "/],
      ['duplicate PII', { piiEntities: [{ entity: PiiEntityType.EMAIL, action: SensitiveInformationAction.BLOCK }, { entity: PiiEntityType.EMAIL, action: SensitiveInformationAction.ANONYMIZE }] }, /invalid piiEntities.entity: got "EMAIL"; allowed: each entity at most once/],
      ['PII action', { piiEntities: [{ entity: PiiEntityType.EMAIL, action: 'NONE' as SensitiveInformationAction }] }, /invalid piiEntities.action: got "NONE"; allowed: BLOCK or ANONYMIZE/],
      ['bad regex', { sensitiveRegexes: [{ name: 'x', pattern: '([', action: SensitiveInformationAction.BLOCK }] }, /invalid sensitiveRegexes.pattern: got "\(\["; allowed: a valid regular expression/],
      ['grounding threshold', { groundingThreshold: 1 }, /invalid groundingThreshold: got 1; allowed: a number from 0 to 0.99/],
      ['relevance threshold', { relevanceThreshold: -0.1 }, /invalid relevanceThreshold: got -0.1/],
      ['blocked message', { blockedInputMessage: '' }, /invalid blockedInputMessage: got ""/],
      ['blocked output message', { blockedOutputMessage: 'x'.repeat(501) }, /invalid blockedOutputMessage/],
    ])('%s', (_name, props, message) => {
      expect(() => synth(props)).toThrow(message);
    });
  });
});
