import type { APIGatewayProxyEvent } from 'aws-lambda';
import { FeedbackContext, handleFeedback } from '../../../lambda/feedback/api';
import { buildRecord, contentHash, FeedbackRecord, FeedbackRecordSchema, recordKey, StorePorts, storedDesign } from '../../../lambda/feedback/record';
import { redrive } from '../../../lambda/feedback/redrive';
import { callerHash, decodeDesign, encodeDesign } from '../../../lambda/shared/generation';
import type { PromptDesign } from '../../../lambda/shared/prompt-design';

// Issue 18: feedback records carry the prompt design of the generation (read from the generation record the
// guardrail function wrote, with the binding check), and ratings become per-variant metrics.
const CALLER = 'arn:aws:sts::123456789012:assumed-role/app/session';
const REQUEST_ID = '3f1c2a9e-8b7d-4c6e-9f0a-1b2c3d4e5f60';
const DESIGN: PromptDesign = {
  catalog: 'S-Catalog-803DCA2E',
  template: 'faq',
  version: '3',
  variant: 'warm',
  settings: { maxTokens: 300, temperature: 0.8, stopSequences: ['END'], contextBudgetChars: 8000, truncation: 'TRUNCATE_LONGEST' },
  rendering: 'bedrock',
  truncatedChars: 0,
};

function event(body: object): APIGatewayProxyEvent {
  return { body: JSON.stringify(body), isBase64Encoded: false, headers: { 'Content-Type': 'application/json' }, requestContext: { requestId: 'api-1', identity: { userArn: CALLER } } } as unknown as APIGatewayProxyEvent;
}

/** A feedback context whose generation record holds `design` (as S3 metadata would: encoded, then decoded). */
function context(design?: object | 'unreadable' | 'throws', binding = true) {
  const stored: FeedbackRecord[] = [];
  const keys: string[] = [];
  const emf: any[] = [];
  const lookups: string[] = [];
  const ports: StorePorts = {
    async putIfAbsent(key, record) {
      keys.push(key);
      stored.push(record);
      return 'created';
    },
    storedHash: async () => undefined,
    enqueue: async () => undefined,
    async generation(requestId) {
      lookups.push(requestId);
      if (design === 'throws') throw new Error('S3 is down');
      const metadata = design === undefined ? undefined : design === 'unreadable' ? 'not-base64-json' : encodeDesign(design);
      return { callerSha256: callerHash(CALLER), recordedAt: new Date('2026-01-01T00:00:00Z'), promptDesign: decodeDesign(metadata) };
    },
  };
  const ctx: FeedbackContext = {
    prefix: 'api-feedback/',
    ports,
    now: () => new Date('2026-01-02T03:04:05Z'),
    log: () => undefined,
    binding: binding ? { windowSeconds: 30 * 86400 } : undefined,
    writeEmf: (line) => emf.push(JSON.parse(line)),
  };
  return { ctx, stored, emf, lookups, keys };
}

describe('feedback and the prompt design', () => {
  test('the design of the generation (from its record, read with the binding check) is stored and the rating published per variant', async () => {
    const { ctx, stored, emf, lookups, keys } = context(DESIGN);
    const res = await handleFeedback(event({ requestId: REQUEST_ID, rating: 4 }), ctx);
    expect(res.statusCode).toBe(201);
    expect(lookups).toEqual([REQUEST_ID]);
    expect(stored[0].promptDesign).toEqual(DESIGN);
    expect(keys).toEqual([`api-feedback/template=faq/version=3/variant=warm/${REQUEST_ID}.json`]);
    expect(FeedbackRecordSchema.safeParse(stored[0]).success).toBe(true);
    expect(emf).toEqual([
      expect.objectContaining({
        _aws: { Timestamp: Date.parse('2026-01-02T03:04:05Z'), CloudWatchMetrics: [{ Namespace: 'GenAI/Prompts', Dimensions: [['Catalog', 'Template', 'Variant']], Metrics: [{ Name: 'FeedbackRating', Unit: 'None' }] }] },
        Catalog: 'S-Catalog-803DCA2E',
        Template: 'faq',
        Variant: 'warm',
        FeedbackRating: 4,
      }),
    ]);
  });

  test('without a design (raw prompts, an unreadable design, or no binding) the record is stored without it and no metric', async () => {
    for (const [design, binding] of [[undefined, true], ['unreadable', true], [{ ...DESIGN, extra: 1 }, true], [DESIGN, false]] as const) {
      const { ctx, stored, emf, keys } = context(design, binding);
      expect((await handleFeedback(event({ requestId: REQUEST_ID, rating: 2 }), ctx)).statusCode).toBe(201);
      expect(stored[0]).not.toHaveProperty('promptDesign');
      expect(keys).toEqual([`api-feedback/template=_raw/${REQUEST_ID}.json`]);
      expect(emf).toEqual([]);
    }
    // a failed lookup queues the record (the redrive checks the binding again), without a metric
    const failing = context('throws');
    expect((await handleFeedback(event({ requestId: REQUEST_ID, rating: 2 }), failing.ctx)).statusCode).toBe(202);
    expect(failing.emf).toEqual([]);
  });

  test('the design is the server\'s: a body cannot send one, and it is not part of the content hash', async () => {
    const { ctx, stored } = context(DESIGN);
    const res = await handleFeedback(event({ requestId: REQUEST_ID, rating: 5, promptDesign: { ...DESIGN, variant: 'control' } }), ctx);
    expect(res.statusCode).toBe(400);
    expect(stored).toEqual([]);
    const feedback = { requestId: REQUEST_ID, rating: 5 };
    const now = new Date();
    expect(buildRecord(feedback, CALLER, 'a', now, DESIGN).contentSha256).toBe(contentHash(feedback, CALLER));
    expect(FeedbackRecordSchema.safeParse({ ...buildRecord(feedback, CALLER, 'a', now, DESIGN), promptDesign: { ...DESIGN, extra: 1 } }).success).toBe(false);
  });

  test('the training export groups by prompt design: a record the queue redrives lands in the same partition as one the API stored', async () => {
    const { ctx, keys } = context(DESIGN);
    await handleFeedback(event({ requestId: REQUEST_ID, rating: 4 }), ctx);
    // queued while the generation record could not be read: no design in the queued record
    const queued = buildRecord({ requestId: REQUEST_ID, rating: 4 }, CALLER, 'api-1', new Date('2026-01-02T03:04:05Z'));
    expect(queued).not.toHaveProperty('promptDesign');
    const redriven = context(DESIGN);
    const sqs = { Records: [{ messageId: 'm1', body: JSON.stringify(queued) }] } as any;
    await expect(redrive(sqs, 'api-feedback/', redriven.ctx.ports, () => undefined, { windowSeconds: 30 * 86400 })).resolves.toEqual({ batchItemFailures: [] });
    expect(redriven.keys).toEqual(keys);
    expect(redriven.stored[0].promptDesign).toEqual(DESIGN);
    // values that are not key-safe are escaped, one partition per design
    expect(recordKey('p/', { requestId: REQUEST_ID, promptDesign: storedDesign({ ...DESIGN, version: 'DRAFT', variant: 'a/b c' }) })).toBe(`p/template=faq/version=DRAFT/variant=a%2Fb%20c/${REQUEST_ID}.json`);
  });
});
