/** Thrown for states that need an operator (a name conflict) or that a later attempt may fix. */
export class PromotionError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PromotionError';
  }
}

/** SageMaker's "Could not find ..." (a ValidationException). */
export function isNotFound(error: unknown): boolean {
  const e = error as { name?: string; message?: string };
  return e?.name === 'ValidationException' && /could not find/i.test(e.message ?? '');
}

/** SageMaker refusing a change because the endpoint is being created, updated or rolled back. */
export function isEndpointBusy(error: unknown): boolean {
  const e = error as { name?: string; message?: string };
  return e?.name === 'ValidationException' && /in[- ]progress|is (being )?(creating|updating|rolling ?back|system ?updating)/i.test(e.message ?? '');
}
