import { parentPort } from 'node:worker_threads';
import type { PGlite } from '@electric-sql/pglite';
import { loadContribModules } from './pglite-extensions.js';

/**
 * The PGlite worker thread's main module: one embedded PostgreSQL per worker, driven by pglite-remote.ts. PGlite
 * runs a statement synchronously in WASM; here that blocks this thread only, not the MCP server, and ending the
 * worker stops a statement at once.
 */
export type WorkerRequest =
  | { id: number; op: 'open'; dataDir?: Blob; modules: string[]; artifacts: PgliteArtifacts }
  | { id: number; op: 'exec'; sql: string }
  | { id: number; op: 'query'; sql: string; params?: unknown[] }
  | { id: number; op: 'dump' }
  | { id: number; op: 'close' };

export type WorkerAnswer = { id: number; value?: unknown } | { id: number; error: SerializedError };

/**
 * PGlite's compiled WASM and file-system bundle, prepared once by the main thread and shared by every worker
 * (initdb's WASM is left to PGlite: it runs only when no cached empty data directory exists).
 */
export interface PgliteArtifacts {
  pgliteWasmModule: WebAssembly.Module;
  fsBundle: Blob;
}

/** An error as plain data: the message and the fields PostgreSQL reports (code, position, detail…). */
export type SerializedError = { message: string } & Record<string, unknown>;

let db: PGlite | undefined;

async function answer(request: WorkerRequest): Promise<unknown> {
  switch (request.op) {
    case 'open': {
      const { PGlite } = await import('@electric-sql/pglite');
      const extensions = await loadContribModules(request.modules);
      const next = await PGlite.create({
        ...request.artifacts,
        ...(request.dataDir ? { loadDataDir: request.dataDir } : {}),
        extensions,
      });
      const previous = db;
      db = next;
      await previous?.close().catch(() => undefined);
      return undefined;
    }
    case 'exec': {
      let rows: number | undefined;
      for (const result of await opened().exec(request.sql))
        if (result.affectedRows !== undefined) rows = (rows ?? 0) + result.affectedRows;
      return rows;
    }
    case 'query':
      return (await opened().query(request.sql, request.params)).rows;
    case 'dump':
      return opened().dumpDataDir('none');
    case 'close':
      await db?.close();
      db = undefined;
      return undefined;
  }
}

function opened(): PGlite {
  if (!db) throw new Error('the embedded database is not open');
  return db;
}

function serialize(error: unknown): SerializedError {
  if (!(error instanceof Error)) return { message: String(error) };
  const fields: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(error))
    if (['string', 'number', 'boolean'].includes(typeof value)) fields[key] = value;
  return { ...fields, message: error.message, name: error.name };
}

// Requests are answered one at a time, in order, as PGlite runs them.
let queue: Promise<void> = Promise.resolve();
parentPort?.on('message', (request: WorkerRequest) => {
  queue = queue.then(async () => {
    let reply: WorkerAnswer;
    try {
      reply = { id: request.id, value: await answer(request) };
    } catch (error) {
      reply = { id: request.id, error: serialize(error) };
    }
    parentPort?.postMessage(reply);
  });
});
