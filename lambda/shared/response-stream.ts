/**
 * Lambda response streaming behind an API Gateway proxy integration (response transfer mode STREAM).
 *
 * The Node.js runtime provides a global `awslambda`: `streamifyResponse(handler)` marks a handler as
 * streaming (it receives a writable `responseStream`), and `HttpResponseStream.from(stream, { statusCode,
 * headers })` writes, before the first byte of the body, the metadata API Gateway expects: the JSON prelude
 * and a delimiter of 8 NUL bytes. {@link streamingHandler} and {@link HttpResponseWriter} wrap both, so
 * the handler is written against a small interface and tests drive it with any writable stream (the same
 * prelude format is written when the runtime global is absent).
 */
import type { Context } from 'aws-lambda';
import type { HttpResponse } from './http';

/** The part of the runtime's response stream the writer uses (a Node.js Writable). */
export interface ResponseStreamLike {
  write(chunk: string | Uint8Array): boolean;
  end(callback?: () => void): unknown;
  on(event: 'error' | 'close', listener: (...args: unknown[]) => void): unknown;
  readonly destroyed?: boolean;
  readonly writableEnded?: boolean;
  setContentType?(contentType: string): void;
}

/** The HTTP metadata of a streamed response. */
export interface ResponseMetadata {
  readonly statusCode: number;
  readonly headers: { [name: string]: string };
}

/** `awslambda.HttpResponseStream.from`, or {@link preludeStream} outside the runtime. */
export type MetadataWriter = (stream: ResponseStreamLike, metadata: ResponseMetadata) => ResponseStreamLike;

/** The content type of a stream that starts with an HTTP metadata prelude. */
export const PRELUDE_CONTENT_TYPE = 'application/vnd.awslambda.http-integration-response';
/** NUL bytes between the prelude and the body. */
export const PRELUDE_DELIMITER_BYTES = 8;

/**
 * The runtime's metadata format, for use outside the runtime (tests, local runs): the JSON prelude and 8 NUL
 * bytes, written just before the first chunk of the body.
 */
export const preludeStream: MetadataWriter = (stream, metadata) => {
  stream.setContentType?.(PRELUDE_CONTENT_TYPE);
  let first = true;
  const write = stream.write.bind(stream);
  return Object.assign(stream, {
    write(chunk: string | Uint8Array): boolean {
      if (first) {
        first = false;
        write(JSON.stringify(metadata));
        write(new Uint8Array(PRELUDE_DELIMITER_BYTES));
      }
      return write(chunk);
    },
  });
};

/**
 * Writes one HTTP response to a Lambda response stream: either a streamed body (`open`, then `write`s, then
 * `end`) or a complete JSON response (`send`). Notices when the caller has gone (the stream errors or closes
 * before it was ended) and then drops every write.
 */
export class HttpResponseWriter {
  private out?: ResponseStreamLike;
  private ended = false;
  private gone = false;
  private readonly listeners: (() => void)[] = [];

  /**
   * @param stream the runtime's response stream
   * @param withMetadata `awslambda.HttpResponseStream.from` (or {@link preludeStream})
   */
  constructor(
    private readonly stream: ResponseStreamLike,
    private readonly withMetadata: MetadataWriter,
  ) {
    const lost = () => {
      if (this.ended || this.gone) return;
      this.gone = true;
      for (const l of this.listeners.splice(0)) l();
    };
    // An 'error' listener is required: without one, a broken connection would crash the process.
    stream.on('error', lost);
    stream.on('close', lost);
  }

  /** True once the status and headers were committed (nothing else can be sent as a plain response). */
  get started(): boolean {
    return this.out !== undefined;
  }

  /** True when the caller went away before the response ended. */
  get disconnected(): boolean {
    return this.gone || (this.stream.destroyed === true && !this.ended);
  }

  /** Calls `listener` once, when the caller goes away (never after `end`). */
  onDisconnect(listener: () => void): void {
    if (this.disconnected) listener();
    else this.listeners.push(listener);
  }

  /** Commits the status and headers (once; later calls are ignored). */
  open(metadata: ResponseMetadata): void {
    this.out ??= this.withMetadata(this.stream, metadata);
  }

  /** Writes a chunk of the body; false when it was dropped (the caller is gone or the response ended). */
  write(chunk: string): boolean {
    if (!this.out) throw new Error('the response was not opened');
    if (this.ended || this.disconnected) return false;
    try {
      this.out.write(chunk);
      return true;
    } catch {
      this.gone = true;
      return false;
    }
  }

  /** Ends the response (once). */
  async end(): Promise<void> {
    if (this.ended) return;
    this.ended = true;
    const out = this.out ?? this.stream;
    if (this.gone) {
      // A destroyed stream never calls back; ending it only tells the runtime that we are done.
      try {
        out.end();
      } catch {
        // nothing to do: the caller is gone
      }
      return;
    }
    await new Promise<void>((resolve) => {
      try {
        out.end(() => resolve());
      } catch {
        resolve();
      }
    });
  }

  /** Sends a complete (non-streamed) response: status, headers, body. */
  async send(response: HttpResponse): Promise<void> {
    if (this.started) throw new Error('the response was already opened');
    this.open({ statusCode: response.statusCode, headers: response.headers });
    this.write(response.body);
    await this.end();
  }
}

/** A streaming handler over {@link HttpResponseWriter}. */
export type StreamingHandler<E> = (event: E, writer: HttpResponseWriter, context: Context) => Promise<void>;

interface LambdaRuntimeGlobal {
  streamifyResponse(handler: (event: unknown, stream: ResponseStreamLike, context: Context) => Promise<void>): unknown;
  HttpResponseStream: { from: MetadataWriter };
}

/**
 * The handler to export: wrapped with `awslambda.streamifyResponse` inside the Lambda runtime; outside it
 * (tests) a plain `(event, responseStream, context)` function that writes the same prelude format.
 */
export function streamingHandler<E>(handler: StreamingHandler<E>): (event: E, stream: ResponseStreamLike, context: Context) => Promise<void> {
  const runtime = (globalThis as unknown as { awslambda?: LambdaRuntimeGlobal }).awslambda;
  if (runtime?.streamifyResponse && runtime.HttpResponseStream) {
    const from: MetadataWriter = (stream, metadata) => runtime.HttpResponseStream.from(stream, metadata);
    return runtime.streamifyResponse((event, stream, context) => handler(event as E, new HttpResponseWriter(stream, from), context)) as (
      event: E,
      stream: ResponseStreamLike,
      context: Context,
    ) => Promise<void>;
  }
  return (event, stream, context) => handler(event, new HttpResponseWriter(stream, preludeStream), context);
}
