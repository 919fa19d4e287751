import { createRequire } from 'node:module';
import { parentPort } from 'node:worker_threads';
import type { ParseJob, ParserReply, ParserRequest } from './parser-thread.js';

/**
 * Worker-thread entry of the parser thread (parser-thread.ts): runs libpg_query's WebAssembly parser on the
 * pieces of a large SQL text and sends back each piece's parse tree as the JSON text libpg_query produces, so the
 * main thread only has to JSON.parse it. Pieces are parsed ahead of the consumer, as far as its credit allows.
 */

/** The few exports of libpg-query's Emscripten module this worker uses. */
interface PgQueryWasm {
  HEAPU8: Uint8Array;
  _malloc(size: number): number;
  _free(pointer: number): void;
  _wasm_parse_query_raw(query: number): number;
  _wasm_free_parse_result(result: number): void;
  getValue(pointer: number, type: 'i32'): number;
  UTF8ToString(pointer: number): string;
}

// libpg-query's own module factory: its public API hands out parsed objects only, never the JSON text.
const loadWasm = createRequire(import.meta.url)('libpg-query/wasm/libpg-query.js') as () => Promise<PgQueryWasm>;
const wasm = await loadWasm();
const decoder = new TextDecoder();
const encoder = new TextEncoder();

interface ActiveJob extends ParseJob {
  /** Index of the next cut to parse up to. */
  next: number;
  /** Character and byte offset where the next piece starts. */
  start: number;
  startByte: number;
  credit: number;
}

const jobs = new Map<number, ActiveJob>();

type PieceResult = { json: string; bytes: number } | { message: string; cursorPosition: number };

function parsePiece(text: string): PieceResult {
  const size = Buffer.byteLength(text, 'utf8');
  const query = wasm._malloc(size + 1);
  let result = 0;
  try {
    // Native encoding into the WASM memory: Emscripten's stringToUTF8 is a JavaScript loop per character, which
    // in a one-shot process cost about as much as the parse. HEAPU8 is read after _malloc, which may grow the memory.
    const heap = wasm.HEAPU8;
    encoder.encodeInto(text, heap.subarray(query, query + size));
    heap[query + size] = 0;
    result = wasm._wasm_parse_query_raw(query);
    if (!result) return { message: 'the parser ran out of memory', cursorPosition: 0 };
    const tree = wasm.getValue(result, 'i32');
    const error = wasm.getValue(result + 8, 'i32');
    if (error) {
      const message = wasm.getValue(error, 'i32');
      const cursor = wasm.getValue(error + 16, 'i32');
      return {
        message: message ? wasm.UTF8ToString(message) : 'unknown parser error',
        cursorPosition: cursor > 0 ? cursor - 1 : 0,
      };
    }
    const output = wasm.HEAPU8;
    const end = output.indexOf(0, tree);
    return { json: decoder.decode(output.subarray(tree, end)), bytes: size };
  } finally {
    wasm._free(query);
    if (result) wasm._wasm_free_parse_result(result);
  }
}

function send(reply: ParserReply): void {
  parentPort?.postMessage(reply);
}

function pump(job: ActiveJob): void {
  while (job.credit > 0 && job.next < job.cuts.length) {
    const cut = job.cuts[job.next] as number;
    const last = job.next === job.cuts.length - 1;
    const outcome = parsePiece(job.sql.slice(job.start, cut));
    job.next++;
    if ('message' in outcome) {
      // A piece cut inside a BEGIN ATOMIC body: parse it together with the next piece.
      if (!last) continue;
      send({
        type: 'error',
        id: job.id,
        start: job.start,
        message: outcome.message,
        cursorPosition: outcome.cursorPosition,
      });
      jobs.delete(job.id);
      return;
    }
    const endByte = job.startByte + outcome.bytes;
    send({
      type: 'piece',
      id: job.id,
      start: job.start,
      startByte: job.startByte,
      end: cut,
      endByte,
      json: outcome.json,
    });
    job.credit--;
    job.start = cut;
    job.startByte = endByte;
  }
  if (job.next >= job.cuts.length) {
    send({ type: 'done', id: job.id });
    jobs.delete(job.id);
  }
}

parentPort?.on('message', (request: ParserRequest) => {
  if (request.type === 'parse') {
    const job: ActiveJob = { ...request.job, next: 0, credit: request.credit };
    jobs.set(job.id, job);
    pump(job);
  } else if (request.type === 'credit') {
    const job = jobs.get(request.id);
    if (!job) return;
    job.credit += request.credit;
    pump(job);
  } else jobs.delete(request.id);
});
