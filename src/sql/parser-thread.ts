import { Worker } from 'node:worker_threads';
import { workerScript } from '../worker-script.js';

/**
 * A second thread for the PostgreSQL parser. On a large file the WebAssembly parse (and decoding its output)
 * costs about as much as every rule together; in a worker it runs while the main thread checks the pieces
 * already parsed. The worker is started on first use, serves the whole process lifetime, and does not keep the
 * process alive while it has nothing to do.
 */

export interface ParseJob {
  id: number;
  sql: string;
  /** Character offsets that end each piece; the first piece starts at `start`. */
  cuts: number[];
  start: number;
  /** UTF-8 byte offset of `start`. */
  startByte: number;
}

export type ParserRequest =
  | { type: 'parse'; job: ParseJob; credit: number }
  | { type: 'credit'; id: number; credit: number }
  | { type: 'cancel'; id: number };

export type ParserReply =
  | { type: 'piece'; id: number; start: number; startByte: number; end: number; endByte: number; json: string }
  | { type: 'error'; id: number; start: number; message: string; cursorPosition: number }
  | { type: 'done'; id: number };

/** One parsed piece: libpg_query's JSON for the text from character `start` (byte `startByte`) to `end`. */
export interface ParsedPiece {
  start: number;
  startByte: number;
  end: number;
  endByte: number;
  json: string;
}

/** The thread was stopped or died before it finished; the caller can parse the rest itself. */
export class ParserThreadLost extends Error {}

/** A piece libpg_query rejected; `cursorPosition` counts characters from `start`. */
export class PieceSyntaxError extends Error {
  constructor(
    message: string,
    readonly start: number,
    readonly cursorPosition: number,
  ) {
    super(message);
  }
}

/** Pieces parsed ahead of the consumer: enough to keep both threads busy, few enough to bound memory. */
const AHEAD = 4;

type Settle = { resolve: (reply: ParserReply) => void; reject: (error: Error) => void };

class Channel implements AsyncIterableIterator<ParsedPiece> {
  private readonly queue: ParserReply[] = [];
  private waiting: Settle | undefined;
  private failure: Error | undefined;
  private finished = false;

  constructor(
    private readonly id: number,
    private readonly thread: ParserThread,
  ) {}

  deliver(reply: ParserReply): void {
    if (this.waiting) {
      const { resolve } = this.waiting;
      this.waiting = undefined;
      resolve(reply);
    } else this.queue.push(reply);
  }

  fail(error: Error): void {
    this.failure = error;
    if (this.waiting) {
      const { reject } = this.waiting;
      this.waiting = undefined;
      reject(error);
    }
  }

  private receive(): Promise<ParserReply> {
    const queued = this.queue.shift();
    if (queued) return Promise.resolve(queued);
    if (this.failure) return Promise.reject(this.failure);
    return new Promise((resolve, reject) => {
      this.waiting = { resolve, reject };
    });
  }

  async next(): Promise<IteratorResult<ParsedPiece>> {
    if (this.finished) return { done: true, value: undefined };
    let reply: ParserReply;
    try {
      reply = await this.receive();
    } catch (error) {
      this.close(false);
      throw error;
    }
    if (reply.type === 'done') {
      this.close(false);
      return { done: true, value: undefined };
    }
    if (reply.type === 'error') {
      this.close(false);
      throw new PieceSyntaxError(reply.message, reply.start, reply.cursorPosition);
    }
    this.thread.post({ type: 'credit', id: this.id, credit: 1 });
    const { start, startByte, end, endByte, json } = reply;
    return { done: false, value: { start, startByte, end, endByte, json } };
  }

  async return(): Promise<IteratorResult<ParsedPiece>> {
    this.close(true);
    return { done: true, value: undefined };
  }

  [Symbol.asyncIterator](): AsyncIterableIterator<ParsedPiece> {
    return this;
  }

  private close(cancel: boolean): void {
    if (this.finished) return;
    this.finished = true;
    this.queue.length = 0;
    this.thread.closed(this.id, cancel);
  }
}

class ParserThread {
  private worker: Worker | undefined;
  private readonly channels = new Map<number, Channel>();
  private nextId = 1;

  /** Starts parsing at once; the pieces arrive in order through the returned iterator. */
  parse(sql: string, cuts: number[], start: number, startByte: number): AsyncIterableIterator<ParsedPiece> {
    const id = this.nextId++;
    const channel = new Channel(id, this);
    this.channels.set(id, channel);
    const worker = this.started();
    worker.ref();
    worker.postMessage({
      type: 'parse',
      job: { id, sql, cuts, start, startByte },
      credit: AHEAD,
    } satisfies ParserRequest);
    return channel;
  }

  post(request: ParserRequest): void {
    this.worker?.postMessage(request);
  }

  closed(id: number, cancel: boolean): void {
    if (!this.channels.delete(id)) return;
    if (cancel) this.post({ type: 'cancel', id });
    if (this.channels.size === 0) this.worker?.unref();
  }

  async stop(): Promise<void> {
    const worker = this.worker;
    this.worker = undefined;
    this.failAll(new ParserThreadLost('The parser thread was stopped.'));
    await worker?.terminate();
  }

  private started(): Worker {
    if (this.worker) return this.worker;
    const worker = new Worker(workerScript(import.meta.url, 'parse-worker'));
    worker.on('message', (reply: ParserReply) => this.channels.get(reply.id)?.deliver(reply));
    const lost = (error: Error) => {
      if (this.worker !== worker) return;
      this.worker = undefined;
      this.failAll(error);
    };
    worker.on('error', (error) => lost(new ParserThreadLost(`The parser thread failed: ${error.message}`)));
    worker.on('exit', (code) => lost(new ParserThreadLost(`The parser thread ended (exit code ${code}).`)));
    this.worker = worker;
    return worker;
  }

  private failAll(error: Error): void {
    for (const channel of this.channels.values()) channel.fail(error);
    this.channels.clear();
  }
}

let thread: ParserThread | undefined;

/** Parses `sql` from `start` up to each cut in the parser thread. */
export function parseInThread(
  sql: string,
  cuts: number[],
  start: number,
  startByte: number,
): AsyncIterableIterator<ParsedPiece> {
  thread ??= new ParserThread();
  return thread.parse(sql, cuts, start, startByte);
}

/** Ends the parser thread (a long-lived process shutting down); the next parse starts a new one. */
export async function stopParserThread(): Promise<void> {
  const current = thread;
  thread = undefined;
  await current?.stop();
}
