import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import path from 'node:path';
import { Worker } from 'node:worker_threads';
import { entryScripts } from '../entry-scripts.js';
import type { PgliteArtifacts, SerializedError, WorkerAnswer, WorkerRequest } from './pglite-worker.js';

/**
 * An embedded PostgreSQL (PGlite) in a worker thread (pglite-worker.ts), with the few calls the shadow uses. The
 * server keeps answering other calls while a statement runs, and `terminate()` stops a statement at once. A
 * closed database's worker is kept for the next one (no new thread, PGlite's code stays loaded there); a
 * terminated one is gone.
 */
export class RemotePglite {
  private constructor(private channel: WorkerChannel | undefined) {}

  /** A database in a worker: empty (initdb), or loaded from a data-directory dump. */
  static async create(options: { dataDir?: Blob; modules?: readonly string[] } = {}): Promise<RemotePglite> {
    const remote = new RemotePglite(idle.pop() ?? (await WorkerChannel.start()));
    try {
      await remote.load(options);
    } catch (error) {
      await remote.terminate();
      throw error;
    }
    return remote;
  }

  /** Replaces the database in this worker by one loaded from `dataDir` (a snapshot restore). */
  async load(options: { dataDir?: Blob; modules?: readonly string[] }): Promise<void> {
    await this.call({
      op: 'open',
      ...(options.dataDir ? { dataDir: options.dataDir } : {}),
      modules: [...(options.modules ?? [])],
      artifacts: await pgliteArtifacts(),
    });
  }

  /** Runs SQL (several statements allowed); the rows inserted/updated/deleted when PostgreSQL reports them. */
  exec(sql: string): Promise<number | undefined> {
    return this.call({ op: 'exec', sql }) as Promise<number | undefined>;
  }

  query<Row>(sql: string, params?: unknown[]): Promise<Row[]> {
    return this.call({ op: 'query', sql, ...(params ? { params } : {}) }) as Promise<Row[]>;
  }

  dumpDataDir(): Promise<Blob> {
    return this.call({ op: 'dump' }) as Promise<Blob>;
  }

  /** Closes the database; its worker waits idle for the next database (or ends, when one already waits). */
  async close(): Promise<void> {
    const channel = this.channel;
    this.channel = undefined;
    if (!channel || channel.ended) return;
    try {
      await channel.call({ op: 'close' });
    } catch {
      await channel.terminate();
      return;
    }
    if (idle.length < MAX_IDLE) idle.push(channel);
    else await channel.terminate();
  }

  /** Ends the worker now, in the middle of a statement if one runs: what it held is gone. */
  async terminate(): Promise<void> {
    const channel = this.channel;
    this.channel = undefined;
    await channel?.terminate();
  }

  private call(request: DistributiveOmit<WorkerRequest, 'id'>): Promise<unknown> {
    if (!this.channel) return Promise.reject(new Error('the embedded database was closed or stopped'));
    return this.channel.call(request);
  }
}

/** Workers kept between databases: one serves a long-lived server's spare-then-next rhythm. */
const MAX_IDLE = 1;
const idle: WorkerChannel[] = [];

/** Ends the idle workers (end of the server, of a benchmark). */
export async function releaseIdlePgliteWorkers(): Promise<void> {
  await Promise.all(idle.splice(0).map((channel) => channel.terminate()));
}

/** One worker thread and its numbered requests. */
class WorkerChannel {
  private next = 0;
  private readonly pending = new Map<number, { resolve(value: unknown): void; reject(error: Error): void }>();
  ended: Error | undefined;

  private constructor(private readonly worker: Worker) {
    worker.on('message', (answer: WorkerAnswer) => {
      const waiting = this.pending.get(answer.id);
      if (!waiting) return;
      this.pending.delete(answer.id);
      if (this.pending.size === 0) worker.unref();
      if ('error' in answer) waiting.reject(revive(answer.error));
      else waiting.resolve(answer.value);
    });
    worker.on('error', (error) => this.end(error));
    worker.on('exit', (code) => this.end(new Error(`the embedded database's worker ended (exit code ${code})`)));
    // An idle worker (a warm spare) must not keep a finished CLI process alive; a busy one must.
    worker.unref();
  }

  static async start(): Promise<WorkerChannel> {
    const { 'pglite-worker': script } = await entryScripts(import.meta.url, ['pglite-worker']);
    return new WorkerChannel(new Worker(script));
  }

  call(request: DistributiveOmit<WorkerRequest, 'id'>): Promise<unknown> {
    if (this.ended) return Promise.reject(this.ended);
    const id = this.next++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      this.worker.ref();
      this.worker.postMessage({ ...request, id } as WorkerRequest);
    });
  }

  async terminate(): Promise<void> {
    this.end(new Error('the embedded database was stopped'));
    const position = idle.indexOf(this);
    if (position >= 0) idle.splice(position, 1);
    await this.worker.terminate();
  }

  private end(reason: Error): void {
    this.ended ??= reason;
    for (const waiting of this.pending.values()) waiting.reject(reason);
    this.pending.clear();
  }
}

let artifacts: Promise<PgliteArtifacts> | undefined;
/** Node's WebAssembly global (the ES2023 library this project compiles against declares only its types). */
const wasm = (globalThis as unknown as { WebAssembly: { compile(bytes: Uint8Array): Promise<WebAssembly.Module> } })
  .WebAssembly;

/**
 * PGlite's WASM compiled once for every worker (a WebAssembly.Module is shared between threads, not copied):
 * each worker compiling its own 9 MB would add about a second to every embedded database it starts.
 */
function pgliteArtifacts(): Promise<PgliteArtifacts> {
  artifacts ??= (async () => {
    const folder = path.dirname(createRequire(import.meta.url).resolve('@electric-sql/pglite'));
    const compile = async (file: string) => wasm.compile(await readFile(path.join(folder, file)));
    const [pgliteWasmModule, fsBundle] = await Promise.all([
      compile('pglite.wasm'),
      readFile(path.join(folder, 'pglite.data')).then((data) => new Blob([data])),
    ]);
    return { pgliteWasmModule, fsBundle };
  })();
  artifacts.catch(() => {
    artifacts = undefined;
  });
  return artifacts;
}

type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;

/** The worker's error as an Error again, with PostgreSQL's fields (code, position…) where describeDatabaseError reads them. */
function revive(serialized: SerializedError): Error {
  const { message, name, ...fields } = serialized;
  const error = Object.assign(new Error(message), fields);
  if (typeof name === 'string') error.name = name;
  return error;
}
