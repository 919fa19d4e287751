import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';

/**
 * libpg-query's parser, called without its JavaScript wrapper's string handling. The wrapper measures, encodes and
 * decodes every query and parse tree one character at a time in JavaScript, and looks for the tree's terminating
 * NUL the same way; a one-shot `check` runs without V8's optimizing compiler, so those loops stay slow. Here the
 * same WebAssembly exports are called with TextEncoder.encodeInto, Uint8Array.indexOf and TextDecoder, which are
 * native: on a 342-folder history (2,567 statements) the parse took 70 ms instead of 115 ms. The module, the
 * grammar and the results are the library's own; if its layout ever changes, the library's own functions serve.
 */

type LibPgQuery = typeof import('libpg-query');

/** The three functions of libpg-query the engine calls. */
export type PgQueryParser = Pick<LibPgQuery, 'parseSync' | 'scanSync' | 'parsePlPgSQLSync'>;

/** The Emscripten module libpg-query's index.cjs wraps (the exports it lists on Module). */
interface PgQueryModule {
  HEAPU8: Uint8Array;
  HEAPU32: Uint32Array;
  _malloc(size: number): number;
  _free(pointer: number): void;
  _wasm_parse_query_raw(query: number): number;
  _wasm_free_parse_result(result: number): void;
  _wasm_scan(query: number): number;
  _wasm_parse_plpgsql(query: number): number;
  _wasm_free_string(pointer: number): void;
}

type Factory = () => Promise<PgQueryModule>;

export async function loadPgQueryParser(): Promise<PgQueryParser> {
  // require, not import: the package is CommonJS, and Node lexes CommonJS for named exports on an ESM import.
  const require = createRequire(import.meta.url);
  const entry = require.resolve('libpg-query');
  const factoryFile = path.join(path.dirname(entry), 'libpg-query.js');
  if (!existsSync(factoryFile)) {
    const lib = require('libpg-query') as LibPgQuery;
    await lib.loadModule();
    return lib;
  }
  return directParser(await (require(factoryFile) as Factory)());
}

/** An error as libpg-query's SqlError carries it: `sqlDetails.cursorPosition` is 0-based. */
class PgQuerySyntaxError extends Error {
  constructor(
    message: string,
    readonly sqlDetails: {
      message: string;
      cursorPosition: number;
      fileName?: string;
      functionName?: string;
      lineNumber?: number;
    },
  ) {
    super(message);
    this.name = 'SqlError';
  }
}

function directParser(module: PgQueryModule): PgQueryParser {
  const encoder = new TextEncoder();
  const decoder = new TextDecoder();

  /** Copies `text` into the module's memory, NUL-terminated; the caller frees it. */
  const toPointer = (text: string): number => {
    const capacity = text.length * 3 + 1;
    const pointer = module._malloc(capacity);
    const { written } = encoder.encodeInto(text, module.HEAPU8.subarray(pointer, pointer + capacity - 1));
    module.HEAPU8[pointer + written] = 0;
    return pointer;
  };
  /** The NUL-terminated UTF-8 string at `pointer` (memory may have grown: the views are read afresh). */
  const fromPointer = (pointer: number): string => {
    const heap = module.HEAPU8;
    return decoder.decode(heap.subarray(pointer, heap.indexOf(0, pointer)));
  };
  const word = (pointer: number): number => module.HEAPU32[pointer >>> 2] as number;

  /** Calls a function that answers a C string: JSON on success, a message on failure. */
  const stringResult = (call: (query: number) => number, query: string): string => {
    const queryPointer = toPointer(query);
    let result = 0;
    try {
      result = call(queryPointer);
      return fromPointer(result);
    } finally {
      module._free(queryPointer);
      if (result) module._wasm_free_string(result);
    }
  };

  return {
    parseSync(query) {
      if (query === '') throw new Error('Query cannot be empty');
      const queryPointer = toPointer(query);
      let result = 0;
      try {
        result = module._wasm_parse_query_raw(queryPointer);
        if (!result) throw new Error('Failed to parse query: memory allocation failed');
        // PgQueryParseResult { char *parse_tree; char *stderr_buffer; PgQueryError *error; }
        const tree = word(result);
        const error = word(result + 8);
        if (error) {
          // PgQueryError { char *message; char *funcname; char *filename; int lineno; int cursorpos; }
          const message = word(error) ? fromPointer(word(error)) : 'Unknown error';
          const functionName = word(error + 4) ? fromPointer(word(error + 4)) : undefined;
          const fileName = word(error + 8) ? fromPointer(word(error + 8)) : undefined;
          const lineNumber = word(error + 12) | 0;
          const cursor = word(error + 16) | 0;
          throw new PgQuerySyntaxError(message, {
            message,
            cursorPosition: cursor > 0 ? cursor - 1 : 0,
            ...(fileName !== undefined ? { fileName } : {}),
            ...(functionName !== undefined ? { functionName } : {}),
            ...(lineNumber > 0 ? { lineNumber } : {}),
          });
        }
        if (!tree) throw new Error('No parse tree generated');
        return JSON.parse(fromPointer(tree));
      } finally {
        module._free(queryPointer);
        if (result) module._wasm_free_parse_result(result);
      }
    },
    scanSync(query) {
      const text = stringResult((pointer) => module._wasm_scan(pointer), query);
      if (text.startsWith('syntax error') || text.startsWith('deparse error') || text.startsWith('ERROR'))
        throw new Error(text);
      return JSON.parse(text);
    },
    parsePlPgSQLSync(query) {
      const text = stringResult((pointer) => module._wasm_parse_plpgsql(pointer), query);
      // Success is always a JSON object; anything else is an error message.
      if (!text.startsWith('{')) throw new Error(text);
      return JSON.parse(text);
    },
  };
}
