import type { APIGatewayProxyEvent } from 'aws-lambda';
import { FeedbackContext, handleFeedback } from '../../../lambda/feedback/api';
import { buildRecord, contentHash, FeedbackRecord, FeedbackRecordSchema, StorePorts } from '../../../lambda/feedback/record';
import type { PromptDesign } from '../../../lambda/shared/prompt-design';

// Issue 18: feedback records carry the prompt design of the generation, and ratings become per-variant metrics.
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

function context(promptDesignOf?: FeedbackContext['promptDesignOf']) {
  const stored: FeedbackRecord[] = [];
  const emf: any[] = [];
  const ports: StorePorts = {
    async putIfAbsent(_key, record) {
      stored.push(record);
      return 'created';
    },
    storedHash: async () => undefined,
    enqueue: async () => undefined,
  };
  const ctx: FeedbackContext = { prefix: 'api-feedback/', ports, now: () => new Date('2026-01-02T03:04:05Z'), log: () => undefined, promptDesignOf, writeEmf: (line) => emf.push(JSON.parse(line)) };
  return { ctx, stored, emf };
}

describe('feedback and the prompt design', () => {
  test('the design of the generation (looked up for the request id and caller) is stored and the rating published per variant', async () => {
    const lookups: string[][] = [];
    const { ctx, stored, emf } = context(async (requestId, caller) => {
      lookups.push([requestId, caller]);
      return DESIGN;
    });
    const res = await handleFeedback(event({ requestId: REQUEST_ID, rating: 4 }), ctx);
    expect(res.statusCode).toBe(201);
    expect(lookups).toEqual([[REQUEST_ID, CALLER]]);
    expect(stored[0].promptDesign).toEqual(DESIGN);
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

  test('without a design (raw prompts, or no generation record yet) nothing changes: no field, no metric', async () => {
    const { ctx, stored, emf } = context();
    expect((await handleFeedback(event({ requestId: REQUEST_ID, rating: 2 }), ctx)).statusCode).toBe(201);
    expect(stored[0]).not.toHaveProperty('promptDesign');
    expect(emf).toEqual([]);
    const failing = context(async () => {
      throw new Error('lookup failed');
    });
    expect((await handleFeedback(event({ requestId: REQUEST_ID, rating: 2 }), failing.ctx)).statusCode).toBe(201);
    expect(failing.emf).toEqual([]);
  });

  test('the design is the server\'s: a body cannot send one, and it is not part of the content hash', async () => {
    const { ctx, stored } = context(async () => DESIGN);
    const res = await handleFeedback(event({ requestId: REQUEST_ID, rating: 5, promptDesign: { ...DESIGN, variant: 'control' } }), ctx);
    expect(res.statusCode).toBe(400);
    expect(stored).toEqual([]);
    const feedback = { requestId: REQUEST_ID, rating: 5 };
    const now = new Date();
    expect(buildRecord(feedback, CALLER, 'a', now, DESIGN).contentSha256).toBe(contentHash(feedback, CALLER));
    expect(FeedbackRecordSchema.safeParse({ ...buildRecord(feedback, CALLER, 'a', now, DESIGN), promptDesign: { ...DESIGN, extra: 1 } }).success).toBe(false);
  });
});
