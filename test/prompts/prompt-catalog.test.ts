import { App, Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import { GenAIErrors } from '../../lib/core/errors';
import { SecureDataLake } from '../../lib/data-lake/secure-data-lake';
import { Guardrail } from '../../lib/guardrails/guardrail';
import { GuardrailFunction } from '../../lib/guardrails/guardrail-function';
import { ModelTarget } from '../../lib/guardrails/model-target';
import { GenAIPlatform } from '../../lib/platform/genai-platform';
import { PromptCatalog, PromptCatalogProps } from '../../lib/prompts/prompt-catalog';
import { ContextTruncation, PromptContent, PromptMessageRole, PromptTemplateOptions, VariableFormat } from '../../lib/prompts/prompt-template';

const FAQ: PromptTemplateOptions = {
  templateName: 'faq',
  content: PromptContent.text('Answer from the document.\n\n{{document}}\n\nQuestion: {{question}}'),
  variables: [{ name: 'document' }, { name: 'question', maxLength: 500 }],
};

function stackWith(catalogProps: PromptCatalogProps = {}, ...templates: PromptTemplateOptions[]) {
  const stack = new Stack(new App(), 'S', { env: { account: '123456789012', region: 'us-east-1' } });
  const catalog = new PromptCatalog(stack, 'Catalog', catalogProps);
  templates.forEach((t, i) => catalog.addTemplate(`T${i}`, t));
  return { stack, catalog };
}

function withFunction(catalog: PromptCatalog, stack: Stack, extra: { maxTokens?: number; allowRawPrompts?: boolean } = {}) {
  return new GuardrailFunction(stack, 'Fn', {
    guardrail: new Guardrail(stack, 'Guardrail'),
    dataLake: new SecureDataLake(stack, 'Lake'),
    modelTarget: ModelTarget.bedrock('amazon.nova-lite-v1:0'),
    promptCatalog: catalog,
    ...extra,
  });
}

/** The property a synth error names (GenAIValidationError), or the error itself when it is not one. */
function propertyOf(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (e) {
    if (GenAIErrors.isGenAIValidationError(e)) return GenAIErrors.propertyOf(e);
    throw e;
  }
  return undefined;
}

const getAtt = (prefix: string, attr = 'Arn') => ({ 'Fn::GetAtt': [Match.stringLikeRegexp(`^${prefix}[0-9A-F]{8}$`), attr] });

describe('PromptTemplate: prompts and versions', () => {
  test('defaults: one TEXT prompt (variant "default") encrypted with the catalog key, declared variables and budget in the metadata, a retained version', () => {
    const t = Template.fromStack(stackWith({}, FAQ).stack);
    t.resourceCountIs('AWS::Bedrock::Prompt', 1);
    t.hasResource('AWS::Bedrock::Prompt', {
      DeletionPolicy: 'Retain',
      Properties: {
        Name: Match.stringLikeRegexp('^S-Catalog-T0-default-[0-9A-F]{8}$'),
        CustomerEncryptionKeyArn: getAtt('CatalogKey'),
        DefaultVariant: 'default',
        Variants: [
          {
            Name: 'default',
            TemplateType: 'TEXT',
            TemplateConfiguration: { Text: { Text: 'Answer from the document.\n\n{{document}}\n\nQuestion: {{question}}', InputVariables: [{ Name: 'document' }, { Name: 'question' }] } },
            InferenceConfiguration: { Text: { MaxTokens: 1024 } },
            Metadata: [
              { Key: 'genai:template', Value: 'faq' },
              { Key: 'genai:variant', Value: 'default' },
              { Key: 'genai:budget', Value: '32000' },
              { Key: 'genai:truncation', Value: 'TRUNCATE_LONGEST' },
              { Key: 'genai:var:document', Value: 'format=TEXT max=8000' },
              { Key: 'genai:var:question', Value: 'format=TEXT max=500' },
            ],
          },
        ],
      },
    });
    t.hasResource('AWS::Bedrock::PromptVersion', {
      DeletionPolicy: 'Retain',
      UpdateReplacePolicy: 'Retain',
      Properties: { PromptArn: getAtt('CatalogT0default'), Description: Match.stringLikeRegexp('^Content [0-9a-f]{16}$') },
    });
    t.hasResourceProperties('AWS::KMS::Key', { EnableKeyRotation: true, Description: 'Encrypts the Bedrock prompts of S/Catalog' });
  });

  test('a system prompt makes a CHAT template; chat content, settings, a bound model and ONE_OF values are written as given', () => {
    const { stack } = stackWith(
      { modelId: 'amazon.nova-lite-v1:0' },
      {
        templateName: 'support',
        content: PromptContent.chat([
          { role: PromptMessageRole.USER, text: 'Example question' },
          { role: PromptMessageRole.ASSISTANT, text: 'Example answer' },
          { role: PromptMessageRole.USER, text: '{{question}} (answer in {{language}})' },
        ]),
        systemPrompt: 'You are the support assistant.',
        variables: [{ name: 'question' }, { name: 'language', format: VariableFormat.ONE_OF, maxLength: 10, allowedValues: ['en', 'de'] }],
        inference: { maxTokens: 400, temperature: 0.3, topP: 0.9, stopSequences: ['END'] },
        contextBudgetChars: 4000,
        truncation: ContextTruncation.REJECT,
      },
    );
    Template.fromStack(stack).hasResourceProperties('AWS::Bedrock::Prompt', {
      Variants: [
        Match.objectLike({
          ModelId: 'amazon.nova-lite-v1:0',
          TemplateType: 'CHAT',
          TemplateConfiguration: {
            Chat: {
              Messages: [
                { Role: 'user', Content: [{ Text: 'Example question' }] },
                { Role: 'assistant', Content: [{ Text: 'Example answer' }] },
                { Role: 'user', Content: [{ Text: '{{question}} (answer in {{language}})' }] },
              ],
              System: [{ Text: 'You are the support assistant.' }],
              InputVariables: [{ Name: 'question' }, { Name: 'language' }],
            },
          },
          InferenceConfiguration: { Text: { MaxTokens: 400, Temperature: 0.3, TopP: 0.9, StopSequences: ['END'] } },
          Metadata: Match.arrayWith([
            { Key: 'genai:budget', Value: '4000' },
            { Key: 'genai:truncation', Value: 'REJECT' },
            { Key: 'genai:var:language', Value: `format=ONE_OF max=10 values=${Buffer.from('["en","de"]').toString('base64')}` },
          ]),
        }),
      ],
    });
  });

  test('an experiment: one prompt and version per variant, variant settings replacing the template\'s one by one', () => {
    const { stack, catalog } = stackWith({}, {
      ...FAQ,
      inference: { temperature: 0.2, topP: 0.9 },
      variants: [
        { name: 'control', weight: 90 },
        { name: 'warm', weight: 10, inference: { temperature: 0.8 }, systemPrompt: 'Be brief.', contextBudgetChars: 2000 },
      ],
    });
    const t = Template.fromStack(stack);
    t.resourceCountIs('AWS::Bedrock::Prompt', 2);
    t.resourceCountIs('AWS::Bedrock::PromptVersion', 2);
    t.hasResourceProperties('AWS::Bedrock::Prompt', { DefaultVariant: 'control', Variants: [Match.objectLike({ TemplateType: 'TEXT', InferenceConfiguration: { Text: { MaxTokens: 1024, Temperature: 0.2, TopP: 0.9 } } })] });
    t.hasResourceProperties('AWS::Bedrock::Prompt', {
      DefaultVariant: 'warm',
      Variants: [Match.objectLike({ TemplateType: 'CHAT', InferenceConfiguration: { Text: { MaxTokens: 1024, Temperature: 0.8, TopP: 0.9 } }, Metadata: Match.arrayWith([{ Key: 'genai:budget', Value: '2000' }]) })],
    });
    const template = catalog.templates[0];
    expect(template.variantNames).toEqual(['control', 'warm']);
    expect(template.weights).toEqual([90, 10]);
  });

  test('every change of a variant publishes a new version; an unchanged variant keeps its version', () => {
    const descriptions = (options: PromptTemplateOptions) =>
      Object.values(Template.fromStack(stackWith({}, options).stack).findResources('AWS::Bedrock::PromptVersion')).map((r: any) => r.Properties.Description);
    const base = descriptions({ ...FAQ, variants: [{ name: 'a', weight: 1 }, { name: 'b', weight: 1 }] });
    expect(descriptions({ ...FAQ, variants: [{ name: 'a', weight: 1 }, { name: 'b', weight: 1 }] })).toEqual(base);
    // a new temperature for b: b gets a new version, a keeps its own; a weight is not content
    const changed = descriptions({ ...FAQ, variants: [{ name: 'a', weight: 3 }, { name: 'b', weight: 1, inference: { temperature: 0.5 } }] });
    expect(changed[0]).toBe(base[0]);
    expect(changed[1]).not.toBe(base[1]);
    // a variable's declaration is part of the version too
    expect(descriptions({ ...FAQ, variables: [{ name: 'document' }, { name: 'question', maxLength: 400 }], variants: [{ name: 'a', weight: 1 }, { name: 'b', weight: 1 }] })).not.toEqual(base);
  });

  test('the catalog key lets Bedrock encrypt prompts of this account only; an imported key is used as given', () => {
    Template.fromStack(stackWith({}, FAQ).stack).hasResourceProperties('AWS::KMS::Key', {
      KeyPolicy: {
        Statement: Match.arrayWith([
          {
            Sid: 'AllowBedrockPromptManagement',
            Effect: 'Allow',
            Principal: { Service: 'bedrock.amazonaws.com' },
            Action: ['kms:GenerateDataKey', 'kms:Decrypt'],
            Resource: '*',
            Condition: { StringLike: { 'kms:EncryptionContext:aws:bedrock-prompts:arn': { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':bedrock:us-east-1:123456789012:prompt/*']] } } },
          },
        ]),
      },
    });
    const stack = new Stack(new App(), 'I');
    const key = kms.Key.fromKeyArn(stack, 'Imported', 'arn:aws:kms:us-east-1:123456789012:key/11111111-2222-3333-4444-555555555555');
    new PromptCatalog(stack, 'Catalog', { encryptionKey: key }).addTemplate('T', FAQ);
    const t = Template.fromStack(stack);
    t.resourceCountIs('AWS::KMS::Key', 0);
    t.hasResourceProperties('AWS::Bedrock::Prompt', { CustomerEncryptionKeyArn: 'arn:aws:kms:us-east-1:123456789012:key/11111111-2222-3333-4444-555555555555' });
  });

  test('removal policy DESTROY reaches prompts and versions', () => {
    const t = Template.fromStack(stackWith({ removalPolicy: RemovalPolicy.DESTROY }, FAQ).stack);
    t.hasResource('AWS::Bedrock::Prompt', { DeletionPolicy: 'Delete' });
    t.hasResource('AWS::Bedrock::PromptVersion', { DeletionPolicy: 'Delete' });
  });
});

describe('PromptCatalog: grants and the function', () => {
  test('grantRead: GetPrompt and RenderPrompt on exactly the catalog\'s prompts and versions; Decrypt only through Bedrock for them', () => {
    const { stack, catalog } = stackWith({}, FAQ, { ...FAQ, templateName: 'other', variants: [{ name: 'a', weight: 1 }, { name: 'b', weight: 1 }] });
    const role = new iam.Role(stack, 'Reader', { assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com') });
    catalog.grantRead(role);
    const t = Template.fromStack(stack);
    const statements = Object.values(t.findResources('AWS::IAM::Policy')).flatMap((p: any) => p.Properties.PolicyDocument.Statement);
    expect(statements).toEqual([
      {
        Effect: 'Allow',
        Action: ['bedrock:GetPrompt', 'bedrock:RenderPrompt'],
        Resource: expect.any(Array),
      },
      {
        Effect: 'Allow',
        Action: 'kms:Decrypt',
        Resource: { 'Fn::GetAtt': [expect.stringMatching(/^CatalogKey/), 'Arn'] },
        Condition: {
          StringEquals: {
            'kms:ViaService': { 'Fn::Join': ['', ['bedrock.', { Ref: 'AWS::Region' }, '.', { Ref: 'AWS::URLSuffix' }]] },
            'kms:EncryptionContext:aws:bedrock-prompts:arn': [
              { 'Fn::GetAtt': [expect.stringMatching(/^CatalogT0default/), 'Arn'] },
              { 'Fn::GetAtt': [expect.stringMatching(/^CatalogT1a/), 'Arn'] },
              { 'Fn::GetAtt': [expect.stringMatching(/^CatalogT1b/), 'Arn'] },
            ],
          },
        },
      },
    ]);
    // exactly six ARNs: the three prompts and their three published versions, nothing wider
    expect(statements[0].Resource.map((r: any) => r['Fn::GetAtt'].join('.'))).toEqual([
      expect.stringMatching(/^CatalogT0default[0-9A-F]{8}\.Arn$/),
      expect.stringMatching(/^CatalogT1a[0-9A-F]{8}\.Arn$/),
      expect.stringMatching(/^CatalogT1b[0-9A-F]{8}\.Arn$/),
      expect.stringMatching(/^CatalogT0defaultVersion[0-9A-F]{8}\.Arn$/),
      expect.stringMatching(/^CatalogT1aVersion[0-9A-F]{8}\.Arn$/),
      expect.stringMatching(/^CatalogT1bVersion[0-9A-F]{8}\.Arn$/),
    ]);
    expect(JSON.stringify(statements)).not.toContain('*');
  });

  test('a guardrail function with a catalog: read grant, invoke on the bound model, the catalog in its environment', () => {
    const { stack, catalog } = stackWith({ modelId: 'amazon.titan-text-express-v1', cacheTtl: Duration.seconds(30) }, { ...FAQ, variants: [{ name: 'a', weight: 70 }, { name: 'b', weight: 30 }] });
    withFunction(catalog, stack, { allowRawPrompts: false });
    const t = Template.fromStack(stack);
    const fnEnv = Object.values(t.findResources('AWS::Lambda::Function')).map((f: any) => f.Properties.Environment?.Variables).find((v: any) => v?.PROMPT_CATALOG);
    expect(fnEnv.ALLOW_RAW_PROMPTS).toBe('false');
    expect(fnEnv.PROMPT_CACHE_TTL_SECONDS).toBe('30');
    const json = JSON.stringify(stack.resolve(fnEnv.PROMPT_CATALOG));
    expect(json).toContain(`\\"n\\":\\"${catalog.catalogName}\\"`);
    expect(json).toContain(':bedrock:us-east-1:123456789012:prompt/');
    expect(json).toContain('[\\"a\\",70,\\"');
    expect(json).toContain('[\\"b\\",30,\\"');
    expect(json).toMatch(/CatalogT0aVersion[0-9A-F]{8}","PromptId"/);
    const statements = Object.values(t.findResources('AWS::IAM::Policy')).flatMap((p: any) => p.Properties.PolicyDocument.Statement);
    expect(statements).toEqual(expect.arrayContaining([expect.objectContaining({ Action: ['bedrock:GetPrompt', 'bedrock:RenderPrompt'] })]));
    expect(statements).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          Action: 'bedrock:InvokeModel',
          Resource: { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':bedrock:us-east-1::foundation-model/amazon.titan-text-express-v1']] },
        }),
      ]),
    );
    // No statement lets the function read prompts outside the catalog.
    for (const s of statements.filter((x: any) => [x.Action].flat().some((a: string) => a.startsWith('bedrock:') && a.includes('Prompt')))) {
      for (const r of [s.Resource].flat()) expect(JSON.stringify(r)).toMatch(/^\{"Fn::GetAtt":\["CatalogT0[ab]/);
    }
  });

  test('metrics per variant: GenAI/Prompts with catalog, template and variant dimensions', () => {
    const { catalog, stack } = stackWith({}, FAQ);
    const m = catalog.metricForVariant('Latency', 'faq', 'default');
    expect(stack.resolve({ ns: m.namespace, dims: m.dimensions, stat: m.statistic })).toEqual({ ns: 'GenAI/Prompts', dims: { Catalog: catalog.catalogName, Template: 'faq', Variant: 'default' }, stat: 'Average' });
    expect(PromptCatalog.METRICS_NAMESPACE).toBe('GenAI/Prompts');
  });

  test('GenAIPlatform takes a catalog: the generate function reads it, the dashboard compares the variants', () => {
    const stack = new Stack(new App(), 'P');
    const catalog = new PromptCatalog(stack, 'Catalog');
    catalog.addTemplate('Faq', { ...FAQ, variants: [{ name: 'a', weight: 1 }, { name: 'b', weight: 1 }] });
    const platform = new GenAIPlatform(stack, 'Platform', { promptCatalog: catalog, allowRawPrompts: false });
    const t = Template.fromStack(stack);
    t.hasResourceProperties('AWS::Lambda::Function', { Environment: { Variables: Match.objectLike({ PROMPT_CATALOG: Match.anyValue(), ALLOW_RAW_PROMPTS: 'false' }) } });
    const body = JSON.stringify(stack.resolve(Object.values(t.findResources('AWS::CloudWatch::Dashboard'))[0].Properties.DashboardBody));
    for (const title of ['faq: requests', 'faq: latency p90 (ms)', 'faq: tokens in (avg)', 'faq: tokens out (avg)', 'faq: guardrail interventions (%)', 'faq: feedback rating (avg, 1-5)']) expect(body).toContain(title);
    expect(body).toContain('\\"GenAI/Prompts\\",\\"FeedbackRating\\",\\"Catalog\\"');
    expect(platform.generateFunction).toBeDefined();
  });
});

describe('PromptTemplate and PromptCatalog: synth errors name the prop', () => {
  const bad = (options: Partial<PromptTemplateOptions>, catalogProps: PromptCatalogProps = {}) => propertyOf(() => stackWith(catalogProps, { ...FAQ, ...options }));

  test('a placeholder of an undeclared variable (content, or a variant\'s content)', () => {
    expect(() => stackWith({}, { ...FAQ, content: PromptContent.text('{{document}} {{question}} {{audience}}') })).toThrow(/S\/Catalog\/T0: invalid content: got "\{\{audience\}\}"; allowed: placeholders of declared variables only \(declared: document, question\); declare audience in variables/);
    expect(bad({ variants: [{ name: 'a', weight: 1 }, { name: 'b', weight: 1, content: PromptContent.text('{{document}} {{nope}}') }] })).toBe('variants[1].content');
  });

  test('placeholders that Bedrock would not fill, declared variables no variant uses, placeholders in the system prompt', () => {
    expect(bad({ content: PromptContent.text('{{ document }} {{question}}') })).toBe('content');
    expect(bad({ variables: [...FAQ.variables!, { name: 'unused' }] })).toBe('variables');
    expect(bad({ systemPrompt: 'You answer {{question}}' })).toBe('systemPrompt');
  });

  test('weights that do not sum to a positive number, or a negative weight', () => {
    expect(() => stackWith({}, { ...FAQ, variants: [{ name: 'a', weight: 0 }, { name: 'b', weight: 0 }] })).toThrow(/invalid variants.weight: got \[0,0\]; allowed: weights that sum to a positive number/);
    expect(bad({ variants: [{ name: 'a', weight: -1 }, { name: 'b', weight: 5 }] })).toBe('variants[0].weight');
    expect(bad({ variants: [{ name: 'a', weight: Number.NaN }] })).toBe('variants[0].weight');
  });

  test('inference settings out of range (template or variant)', () => {
    expect(() => stackWith({}, { ...FAQ, inference: { temperature: 1.5 } })).toThrow(/invalid inference.temperature: got 1.5; allowed: a number from 0 to 1/);
    expect(bad({ inference: { topP: -0.1 } })).toBe('inference.topP');
    expect(bad({ inference: { maxTokens: 0 } })).toBe('inference.maxTokens');
    expect(bad({ inference: { stopSequences: ['a', 'b', 'c', 'd', 'e'] } })).toBe('inference.stopSequences');
    expect(bad({ variants: [{ name: 'a', weight: 1, inference: { temperature: 2 } }] })).toBe('variants[0].inference.temperature');
  });

  test('names, sizes and shapes within the limits', () => {
    expect(bad({ templateName: '1faq' })).toBe('templateName');
    expect(bad({ description: 'x'.repeat(201) })).toBe('description');
    expect(bad({ variables: [{ name: 'my__var' }] })).toBe('variables[0].name');
    expect(bad({ variables: [{ name: 'document' }, { name: 'document' }] })).toBe('variables[1].name');
    expect(bad({ variables: Array.from({ length: 21 }, (_, i) => ({ name: `v${i}` })) })).toBe('variables');
    expect(bad({ variables: [{ name: 'document', maxLength: 9000 }, { name: 'question' }] })).toBe('variables[0].maxLength');
    expect(bad({ variables: [{ name: 'document', allowedValues: ['a'] }, { name: 'question' }] })).toBe('variables[0].allowedValues');
    expect(bad({ variables: [{ name: 'document', format: VariableFormat.ONE_OF }, { name: 'question' }] })).toBe('variables[0].allowedValues');
    expect(bad({ contextBudgetChars: 50 })).toBe('contextBudgetChars');
    expect(bad({ systemPrompt: 'x'.repeat(900), contextBudgetChars: 500 })).toBe('contextBudgetChars');
    expect(bad({ variants: Array.from({ length: 6 }, (_, i) => ({ name: `v${i}`, weight: 1 })) })).toBe('variants');
    expect(bad({ variants: [{ name: 'a', weight: 1 }, { name: 'a', weight: 1 }] })).toBe('variants[1].name');
    expect(bad({ content: PromptContent.chat([{ role: PromptMessageRole.ASSISTANT, text: '{{document}} {{question}}' }]) })).toBe('content');
    expect(bad({}, { modelId: 'us.amazon.nova-lite-v1:0' })).toBe('modelId');
    expect(bad({}, { cacheTtl: Duration.minutes(20) })).toBe('cacheTtl');
  });

  test('catalog rules: unique template names, templates added before binding, template maxTokens within the function\'s, raw prompts off only with a catalog', () => {
    expect(propertyOf(() => stackWith({}, FAQ, FAQ))).toBe('templateName');
    const { stack, catalog } = stackWith({}, FAQ);
    withFunction(catalog, stack);
    expect(() => catalog.addTemplate('Late', { ...FAQ, templateName: 'late' })).toThrow(/invalid catalog: .*add every template before passing the catalog to a function or granting it/);

    const other = stackWith({}, { ...FAQ, inference: { maxTokens: 4096 } });
    expect(() => withFunction(other.catalog, other.stack, { maxTokens: 2048 })).toThrow(/S\/Catalog\/T0: invalid inference.maxTokens: got 4096; allowed: at most the maxTokens of the guardrail function S\/Fn \(2048\)/);

    const empty = stackWith({});
    expect(propertyOf(() => withFunction(empty.catalog, empty.stack))).toBe('templates');

    const plain = new Stack(new App(), 'R');
    expect(
      propertyOf(
        () =>
          new GuardrailFunction(plain, 'Fn', { guardrail: new Guardrail(plain, 'G'), dataLake: new SecureDataLake(plain, 'L'), modelTarget: ModelTarget.bedrock('amazon.nova-lite-v1:0'), allowRawPrompts: false }),
      ),
    ).toBe('allowRawPrompts');
  });
});
