import { BedrockAgentClient, BedrockAgentServiceException, GetPromptCommand, GetPromptCommandOutput } from '@aws-sdk/client-bedrock-agent';
import { ApplyGuardrailCommand, BedrockRuntimeClient, ConverseCommand } from '@aws-sdk/client-bedrock-runtime';
import { DecryptCommand, GenerateDataKeyCommand, KMSClient } from '@aws-sdk/client-kms';
import { PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { InvokeEndpointCommand, SageMakerRuntimeClient } from '@aws-sdk/client-sagemaker-runtime';
import { SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import type { APIGatewayProxyEvent, Context } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { randomBytes } from 'node:crypto';
import { traceAad } from '../../../lambda/guardrail/pipeline';
import { assignVariant, loadCatalog } from '../../../lambda/guardrail/prompts/catalog';
import { decryptEnvelope } from '../../../lambda/shared/envelope';
import { PROMPT_METADATA, variableMetadataValue } from '../../../lib/prompts/private/metadata';

// Handler tests of template requests (issue 18): the real handler, every AWS client mocked.
const BUCKET = 'lake-inference-capture';
const KEY_ARN = 'arn:aws:kms:us-east-1:123456789012:key/trace';
const CALLER = 'arn:aws:sts::123456789012:assumed-role/app/session';
const REQUEST_ID = '3f1c2a9e-8b7d-4c6e-9f0a-1b2c3d4e5f60';
const PREFIX = 'arn:aws:bedrock:us-east-1:123456789012:prompt/';
const MODEL = 'amazon.nova-lite-v1:0';

const CATALOG = {
  n: 'S-Catalog-803DCA2E',
  p: PREFIX,
  t: {
    faq: [
      ['a', 50, 'PROMPTAAAA:3'],
      ['b', 50, 'PROMPTBBBB:1'],
    ],
    plain: [['default', 100, 'PROMPTCCCC:2']],
    chat: [['default', 100, 'PROMPTDDDD:1']],
  },
};

const ENV = {
  AWS_REGION: 'us-east-1',
  POWERTOOLS_LOG_LEVEL: 'SILENT',
  POWERTOOLS_METRICS_NAMESPACE: 'GenAI/Guardrail',
  POWERTOOLS_SERVICE_NAME: 'test-guardrail',
  GUARDRAIL_ID: 'gr123',
  GUARDRAIL_VERSION: '1',
  MODEL_KIND: 'bedrock',
  MODEL_ID: MODEL,
  TRACE_BUCKET: BUCKET,
  TRACE_PREFIX: 'guardrail-traces/',
  TRACE_KEY_ARN: KEY_ARN,
  REVIEW_QUEUE_URL: 'https://sqs.us-east-1.amazonaws.com/123456789012/review',
  MAX_TOKENS: '1024',
  PROMPT_CATALOG: JSON.stringify(CATALOG),
  PROMPT_CACHE_TTL_SECONDS: '60',
};
Object.assign(process.env, ENV);

const agent = mockClient(BedrockAgentClient);
const bedrock = mockClient(BedrockRuntimeClient);
const sagemaker = mockClient(SageMakerRuntimeClient);
const kms = mockClient(KMSClient);
const s3 = mockClient(S3Client);
const sqs = mockClient(SQSClient);
// eslint-disable-next-line @typescript-eslint/no-require-imports
const index = require('../../../lambda/guardrail/index') as typeof import('../../../lambda/guardrail/index');

const DATA_KEY = randomBytes(32);
let traces: any[];
let emf: any[];
let clock = 0;

/** Variant metadata as PromptTemplate writes it (lib/prompts/private/metadata.ts). */
function metadata(template: string, variant: string, budget = 2000, truncation = 'TRUNCATE_LONGEST') {
  return [
    { key: PROMPT_METADATA.template, value: template },
    { key: PROMPT_METADATA.variant, value: variant },
    { key: PROMPT_METADATA.budget, value: String(budget) },
    { key: PROMPT_METADATA.truncation, value: truncation },
    { key: `${PROMPT_METADATA.variablePrefix}document`, value: variableMetadataValue({ name: 'document', format: 'TEXT', maxLength: 8000 }) },
    { key: `${PROMPT_METADATA.variablePrefix}question`, value: variableMetadataValue({ name: 'question', format: 'TEXT', maxLength: 500 }) },
    { key: `${PROMPT_METADATA.variablePrefix}tone`, value: variableMetadataValue({ name: 'tone', format: 'ONE_OF', maxLength: 20, allowedValues: ['formal', 'casual'] }) },
    { key: `${PROMPT_METADATA.variablePrefix}count`, value: variableMetadataValue({ name: 'count', format: 'INTEGER', maxLength: 5 }) },
  ];
}

const TEXT = 'Answer in a {{tone}} tone with {{count}} sentences.\n\n{{document}}\n\nQuestion: {{question}}';

/** A GetPrompt answer for one version (a chat template with a system prompt, as PromptTemplate writes it). */
function version(template: string, variant: string, opts: { version: string; modelId?: string; temperature?: number; budget?: number; truncation?: string } = { version: '1' }): Partial<GetPromptCommandOutput> {
  return {
    version: opts.version,
    variants: [
      {
        name: variant,
        templateType: 'CHAT',
        modelId: opts.modelId,
        templateConfiguration: { chat: { messages: [{ role: 'user', content: [{ text: TEXT }] }], system: [{ text: `You are assistant ${variant}.` }], inputVariables: [] } },
        inferenceConfiguration: { text: { maxTokens: 300, temperature: opts.temperature ?? 0.2, topP: 0.9, stopSequences: ['END'] } },
        metadata: metadata(template, variant, opts.budget, opts.truncation),
      },
    ],
  };
}

const VARS = { document: 'The office opens at 9.', question: 'When does the office open?', tone: 'formal', count: '2' };

function event(body: unknown, caller = CALLER): APIGatewayProxyEvent {
  return { body: JSON.stringify(body), isBase64Encoded: false, requestContext: { requestId: REQUEST_ID, identity: { userArn: caller } } } as unknown as APIGatewayProxyEvent;
}

async function call(body: unknown, caller?: string) {
  const res = await index.handler(event(body, caller), { awsRequestId: 'l' } as Context);
  return { status: res.statusCode, body: JSON.parse(res.body) };
}

/** A caller the sticky assignment puts on `variant` of `faq`. */
function callerOn(variant: string): string {
  const config = loadCatalog(process.env)!;
  for (let i = 0; ; i++) {
    const caller = `arn:aws:sts::123456789012:assumed-role/app/user-${i}`;
    if (assignVariant(config.templates.faq, caller, 'faq').ref.variant === variant) return caller;
  }
}

beforeEach(() => {
  Object.assign(process.env, ENV);
  delete process.env.ALLOW_RAW_PROMPTS;
  index.reset();
  for (const m of [agent, bedrock, sagemaker, kms, s3, sqs]) m.reset();
  traces = [];
  emf = [];
  clock = 0;
  kms.on(GenerateDataKeyCommand).resolves({ Plaintext: new Uint8Array(DATA_KEY), CiphertextBlob: new Uint8Array(Buffer.from('k')), KeyId: KEY_ARN });
  kms.on(DecryptCommand).resolves({ Plaintext: new Uint8Array(DATA_KEY) });
  s3.on(PutObjectCommand).callsFake((input) => {
    traces.push(JSON.parse(input.Body as string));
    return {};
  });
  sqs.on(SendMessageCommand).resolves({ MessageId: 'm' });
  bedrock.on(ApplyGuardrailCommand).resolves({ action: 'NONE', outputs: [], assessments: [{}] });
  bedrock.on(ConverseCommand).resolves({ output: { message: { role: 'assistant', content: [{ text: 'At 9.' }] } }, stopReason: 'end_turn', usage: { inputTokens: 40, outputTokens: 3, totalTokens: 43 }, metrics: { latencyMs: 1 } });
  agent.on(GetPromptCommand, { promptIdentifier: 'PROMPTAAAA', promptVersion: '3' }).resolves(version('faq', 'a', { version: '3', modelId: MODEL, temperature: 0.2 }) as GetPromptCommandOutput);
  agent.on(GetPromptCommand, { promptIdentifier: 'PROMPTBBBB', promptVersion: '1' }).resolves(version('faq', 'b', { version: '1', modelId: MODEL, temperature: 0.8 }) as GetPromptCommandOutput);
  agent.on(GetPromptCommand, { promptIdentifier: 'PROMPTCCCC', promptVersion: '2' }).resolves(version('plain', 'default', { version: '2' }) as GetPromptCommandOutput);
  jest.spyOn(performance, 'now').mockImplementation(() => clock);
  jest.spyOn(process.stdout, 'write').mockImplementation(((chunk: unknown) => {
    for (const line of String(chunk).split('\n')) if (line.includes('"_aws"')) emf.push(JSON.parse(line));
    return true;
  }) as any);
});

afterEach(() => jest.restoreAllMocks());

describe('template requests: resolution, variant, Bedrock rendering', () => {
  test('Bedrock renders a bound version: Converse with the version ARN and the variables; design in response, trace and metrics', async () => {
    const caller = callerOn('a');
    const res = await call({ template: 'faq', variables: VARS }, caller);
    expect(res.status).toBe(200);
    expect(res.body).toEqual(expect.objectContaining({ outcome: 'ANSWERED', output: 'At 9.', model: MODEL }));
    const design = {
      catalog: 'S-Catalog-803DCA2E',
      template: 'faq',
      version: '3',
      variant: 'a',
      settings: { maxTokens: 300, temperature: 0.2, topP: 0.9, stopSequences: ['END'], contextBudgetChars: 2000, truncation: 'TRUNCATE_LONGEST' },
      rendering: 'bedrock',
      truncatedChars: 0,
    };
    expect(res.body.promptDesign).toEqual(design);

    expect(agent.commandCalls(GetPromptCommand).map((c) => c.args[0].input)).toEqual([{ promptIdentifier: 'PROMPTAAAA', promptVersion: '3' }]);
    expect(bedrock.commandCalls(ConverseCommand).map((c) => c.args[0].input)).toEqual([
      { modelId: `${PREFIX}PROMPTAAAA:3`, promptVariables: { document: { text: VARS.document }, question: { text: VARS.question }, tone: { text: 'formal' }, count: { text: '2' } } },
    ]);
    // The guardrail checked the filled messages.
    expect(bedrock.commandCalls(ApplyGuardrailCommand)[0].args[0].input.content).toEqual([
      { text: { text: 'Answer in a formal tone with 2 sentences.\n\nThe office opens at 9.\n\nQuestion: When does the office open?' } },
    ]);

    const trace = traces[0];
    expect(trace.promptDesign).toEqual({ ...design, arn: `${PREFIX}PROMPTAAAA:3`, assignment: { point: expect.any(Number) }, cached: false });
    expect(JSON.stringify(trace)).not.toContain('office');
    const open = (envelope: any, field: 'prompt' | 'variables') =>
      decryptEnvelope(new KMSClient({}), envelope, { aad: traceAad(REQUEST_ID, field), encryptionContext: { purpose: 'genai-guardrail-trace', bucket: BUCKET }, keyId: KEY_ARN });
    expect(JSON.parse(await open(trace.content.variables, 'variables'))).toEqual(VARS);
    expect(await open(trace.content.prompt, 'prompt')).toContain('Question: When does the office open?');

    const line = emf.find((e) => e._aws.CloudWatchMetrics[0].Namespace === 'GenAI/Prompts');
    expect(line._aws.CloudWatchMetrics[0].Dimensions).toEqual([['Catalog', 'Template', 'Variant']]);
    expect(line).toEqual(expect.objectContaining({ Catalog: 'S-Catalog-803DCA2E', Template: 'faq', Variant: 'a', Requests: 1, Answered: 1, Blocked: 0, Interventions: 0, InputTokens: 40, OutputTokens: 3 }));
  });

  test('assignment is sticky per caller and follows the weights', async () => {
    const config = loadCatalog(process.env)!;
    const counts: { [v: string]: number } = { a: 0, b: 0 };
    for (let i = 0; i < 4000; i++) counts[assignVariant(config.templates.faq, `caller-${i}`, 'faq').ref.variant]++;
    expect(counts.a / 4000).toBeGreaterThan(0.46);
    expect(counts.a / 4000).toBeLessThan(0.54);
    const skewed = [{ ...config.templates.faq[0], weight: 9 }, { ...config.templates.faq[1], weight: 1 }];
    const b = Array.from({ length: 4000 }, (_, i) => assignVariant(skewed, `caller-${i}`, 'faq').ref.variant).filter((v) => v === 'b').length;
    expect(b / 4000).toBeGreaterThan(0.07);
    expect(b / 4000).toBeLessThan(0.13);
    expect(assignVariant([{ ...config.templates.faq[0], weight: 0 }, config.templates.faq[1]], 'anyone', 'faq').ref.variant).toBe('b');

    const caller = callerOn('b');
    const first = await call({ template: 'faq', variables: VARS }, caller);
    const second = await call({ template: 'faq', variables: VARS }, caller);
    expect([first.body.promptDesign.variant, second.body.promptDesign.variant]).toEqual(['b', 'b']);
    expect(first.body.promptDesign.settings.temperature).toBe(0.8);
    expect(traces.map((t) => t.promptDesign.variant)).toEqual(['b', 'b']);
  });

  test('resolved versions are cached for the TTL, then resolved again; a failed resolution is not cached', async () => {
    const caller = callerOn('a');
    await call({ template: 'faq', variables: VARS }, caller);
    clock = 59_000;
    await call({ template: 'faq', variables: VARS }, caller);
    expect(agent.commandCalls(GetPromptCommand)).toHaveLength(1);
    expect(traces[1].promptDesign.cached).toBe(true);
    clock = 61_000;
    await call({ template: 'faq', variables: VARS }, caller);
    expect(agent.commandCalls(GetPromptCommand)).toHaveLength(2);

    agent
      .on(GetPromptCommand, { promptIdentifier: 'PROMPTCCCC', promptVersion: '2' })
      .rejectsOnce(new BedrockAgentServiceException({ name: 'ThrottlingException', $fault: 'client', $metadata: { httpStatusCode: 429 }, message: 'slow down' }))
      .resolves(version('plain', 'default', { version: '2' }) as GetPromptCommandOutput);
    const throttled = await call({ template: 'plain', variables: VARS });
    expect(throttled.status).toBe(503);
    expect(throttled.body.error).toBe('the prompt template could not be resolved; try again later');
    const retried = await call({ template: 'plain', variables: VARS });
    expect(retried.status).toBe(200);
  });

  test('a version that does not carry the catalog metadata of its template and variant is a 502, and not cached', async () => {
    agent.on(GetPromptCommand, { promptIdentifier: 'PROMPTCCCC', promptVersion: '2' }).resolves(version('faq', 'a', { version: '2' }) as GetPromptCommandOutput);
    const res = await call({ template: 'plain', variables: VARS });
    expect(res.status).toBe(502);
    expect(bedrock.commandCalls(ConverseCommand)).toHaveLength(0);
    expect(traces).toHaveLength(0);
    agent.on(GetPromptCommand, { promptIdentifier: 'PROMPTCCCC', promptVersion: '2' }).resolves(version('plain', 'default', { version: '2' }) as GetPromptCommandOutput);
    expect((await call({ template: 'plain', variables: VARS })).status).toBe(200);
  });
});

describe('template requests: variables and context budget', () => {
  test('unknown template, missing, undeclared and malformed variables are 400s that never echo values or undeclared names', async () => {
    const unknown = await call({ template: 'nosuchtemplate', variables: VARS });
    expect(unknown.status).toBe(400);
    expect(unknown.body.details).toEqual(["template: no template of that name in this deployment's catalog"]);
    expect(JSON.stringify(unknown.body)).not.toContain('nosuchtemplate');

    const missing = await call({ template: 'plain', variables: { document: 'd', question: 'q', tone: 'formal' } });
    expect(missing.body.details).toEqual(['variables: missing count']);

    const extra = await call({ template: 'plain', variables: { ...VARS, secretName: 'my secret value' } });
    expect(extra.status).toBe(400);
    expect(extra.body.details).toEqual(['variables: 1 variable(s) the template does not declare; declared: document, question, tone, count']);
    expect(JSON.stringify(extra.body)).not.toMatch(/secretName|my secret value/);

    const malformed = await call({ template: 'plain', variables: { ...VARS, tone: 'angry-value', count: 'two', question: 'q'.repeat(501) } });
    expect(malformed.body.details).toEqual([
      'variables.question: must be at most 500 characters',
      "variables.tone: must be one of the template's allowed values",
      'variables.count: must be an integer',
    ]);
    expect(JSON.stringify(malformed.body)).not.toMatch(/angry-value|two/);
    expect(bedrock.commandCalls(ConverseCommand)).toHaveLength(0);
    expect(traces).toHaveLength(0);
  });

  test('request shape: template and prompt are exclusive, maxTokens belongs to the template', async () => {
    const both = await call({ template: 'plain', prompt: 'hello', variables: VARS });
    expect(both.body.details).toEqual(['template: not accepted with a prompt: send one of them']);
    const neither = await call({ groundingSources: ['a source'] });
    expect(neither.body.details).toEqual(['prompt: is required (or send a template)']);
    const tokens = await call({ template: 'plain', variables: VARS, maxTokens: 10 });
    expect(tokens.body.details).toEqual(['maxTokens: set by the template; not accepted with a template']);
  });

  test('REJECT: a filled template over its budget is a 400 naming the budget', async () => {
    agent.on(GetPromptCommand, { promptIdentifier: 'PROMPTCCCC', promptVersion: '2' }).resolves(version('plain', 'default', { version: '2', budget: 200, truncation: 'REJECT' }) as GetPromptCommandOutput);
    const res = await call({ template: 'plain', variables: { ...VARS, document: 'x'.repeat(300) } });
    expect(res.status).toBe(400);
    expect(res.body.details).toEqual(['variables: the filled template is longer than its context budget of 200 characters']);
  });

  test('TRUNCATE_LONGEST: the longest text variable is cut to fit, the design records it, the metric counts it', async () => {
    agent.on(GetPromptCommand, { promptIdentifier: 'PROMPTCCCC', promptVersion: '2' }).resolves(version('plain', 'default', { version: '2', budget: 300 }) as GetPromptCommandOutput);
    const res = await call({ template: 'plain', variables: { ...VARS, document: 'word '.repeat(100) } });
    expect(res.status).toBe(200);
    const sent = bedrock.commandCalls(ConverseCommand)[0].args[0].input;
    const size = sent.system![0].text!.length + sent.messages![0].content![0].text!.length;
    expect(size).toBeLessThanOrEqual(300);
    expect(size).toBeGreaterThan(290);
    expect(sent.messages![0].content![0].text).toContain('Question: When does the office open?');
    const text = sent.messages![0].content![0].text!;
    const doc = text.slice(text.indexOf('\n\n') + 2, text.indexOf('\n\nQuestion'));
    expect('word '.repeat(100).startsWith(doc)).toBe(true);
    expect(res.body.promptDesign.truncatedChars).toBe(500 - doc.length);
    expect(emf.find((e) => e.Template === 'plain').Truncated).toBe(1);
  });

  test('local checks run on each variable before it is filled in: PII is redacted, a secret blocks', async () => {
    const redacted = await call({ template: 'plain', variables: { ...VARS, question: 'Mail me at jane.doe@example.com please' } });
    expect(redacted.status).toBe(200);
    expect(redacted.body.anonymized).toBe(true);
    expect(bedrock.commandCalls(ConverseCommand)[0].args[0].input.messages![0].content![0].text).toContain('Mail me at [EMAIL] please');

    const blocked = await call({ template: 'plain', variables: { ...VARS, document: 'key AKIAIOSFODNN7EXAMPLE' } });
    expect(blocked.body).toEqual(expect.objectContaining({ outcome: 'INPUT_BLOCKED', blocked: true, promptDesign: expect.objectContaining({ template: 'plain', variant: 'default' }) }));
    expect(bedrock.commandCalls(ConverseCommand)).toHaveLength(1);
    expect(traces[1]).toEqual(expect.objectContaining({ outcome: 'INPUT_BLOCKED', promptDesign: expect.objectContaining({ template: 'plain' }) }));
    expect(emf.filter((e) => e.Template === 'plain').map((e) => [e.Blocked, e.Interventions])).toEqual([
      [0, 1],
      [1, 1],
    ]);
  });
});

describe('template requests: function rendering, SageMaker, deployment switches', () => {
  test('an unbound version is rendered by the function: system prompt, messages and the version settings go to Converse', async () => {
    const res = await call({ template: 'plain', variables: VARS });
    expect(res.body.promptDesign).toEqual(expect.objectContaining({ rendering: 'function', version: '2' }));
    expect(bedrock.commandCalls(ConverseCommand)[0].args[0].input).toEqual({
      modelId: MODEL,
      system: [{ text: 'You are assistant default.' }],
      messages: [{ role: 'user', content: [{ text: 'Answer in a formal tone with 2 sentences.\n\nThe office opens at 9.\n\nQuestion: When does the office open?' }] }],
      inferenceConfig: { maxTokens: 300, temperature: 0.2, topP: 0.9, stopSequences: ['END'] },
    });
  });

  test('text the guardrail masked never goes to Bedrock as variables: the function renders the masked text instead', async () => {
    const masked = 'Answer in a formal tone with 2 sentences.\n\nThe office opens at 9.\n\nQuestion: When does {NAME} open?';
    bedrock
      .on(ApplyGuardrailCommand)
      .resolvesOnce({ action: 'GUARDRAIL_INTERVENED', outputs: [{ text: masked }], assessments: [{ sensitiveInformationPolicy: { piiEntities: [{ type: 'NAME', match: 'x', action: 'ANONYMIZED', detected: true }], regexes: [] } }] })
      .resolves({ action: 'NONE', outputs: [], assessments: [{}] });
    const res = await call({ template: 'faq', variables: VARS }, callerOn('a'));
    expect(res.status).toBe(200);
    expect(res.body.promptDesign.rendering).toBe('function');
    expect(bedrock.commandCalls(ConverseCommand)[0].args[0].input).toEqual(
      expect.objectContaining({ modelId: MODEL, system: [{ text: 'You are assistant a.' }], messages: [{ role: 'user', content: [{ text: masked }] }] }),
    );
  });

  test('a SageMaker endpoint gets the rendered template and the version settings as TGI parameters', async () => {
    Object.assign(process.env, { MODEL_KIND: 'sagemaker', ENDPOINT_NAME: 'my-endpoint' });
    index.reset();
    sagemaker.on(InvokeEndpointCommand).resolves({ Body: Buffer.from(JSON.stringify([{ generated_text: 'From the endpoint.' }])) as any, InvokedProductionVariant: 'Blue', $metadata: {} });
    // Bound to a Bedrock model, but the deployment serves from an endpoint: the function renders it.
    const res = await call({ template: 'faq', variables: VARS }, callerOn('a'));
    expect(res.body).toEqual(expect.objectContaining({ output: 'From the endpoint.', model: 'my-endpoint/Blue', promptDesign: expect.objectContaining({ rendering: 'function' }) }));
    const body = JSON.parse(Buffer.from(sagemaker.commandCalls(InvokeEndpointCommand)[0].args[0].input.Body as Uint8Array).toString('utf8'));
    expect(body).toEqual({
      inputs: 'You are assistant a.\n\nAnswer in a formal tone with 2 sentences.\n\nThe office opens at 9.\n\nQuestion: When does the office open?',
      parameters: { max_new_tokens: 300, temperature: 0.2, top_p: 0.9, stop: ['END'] },
    });
    expect(bedrock.commandCalls(ConverseCommand)).toHaveLength(0);
  });

  test('raw prompts can be switched off; templates without a catalog are refused', async () => {
    process.env.ALLOW_RAW_PROMPTS = 'false';
    index.reset();
    const raw = await call({ prompt: 'hello' });
    expect(raw.status).toBe(400);
    expect(raw.body.details).toEqual(['prompt: raw prompts are turned off for this deployment; send a template and its variables']);
    expect((await call({ template: 'plain', variables: VARS })).status).toBe(200);

    delete process.env.ALLOW_RAW_PROMPTS;
    delete process.env.PROMPT_CATALOG;
    index.reset();
    const noCatalog = await call({ template: 'plain', variables: VARS });
    expect(noCatalog.body.details).toEqual(["template: this deployment has no prompt catalog; send a prompt"]);
    expect((await call({ prompt: 'hello' })).status).toBe(200);
  });
});
