import { readFileSync } from 'node:fs';
import Module, { createRequire } from 'node:module';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { UserError } from '../errors.js';
import type { CompiledModules } from '../sandbox/compile.js';

/**
 * Loading a migration runs project code. This module is the only place that does it, and it does so only
 * inside the sandbox (src/sandbox/): our process compiled every migration beforehand (TypeScript and either
 * module syntax → JavaScript with a source map, see sandbox/compile.ts), and the sandboxed child hands that code
 * here. Stack traces — and the origins we read from them — point at the original `.ts` lines.
 */
let compiledModules: CompiledModules | undefined;

/** Called by the sandbox's main module with the code compiled for this read. */
export function useCompiledModules(modules: CompiledModules): void {
  compiledModules = modules;
  process.setSourceMapsEnabled(true);
}

export async function loadProjectModule(absolute: string): Promise<Record<string, unknown>> {
  const compiled = compiledModules?.[absolute];
  if (!compiled) {
    throw new UserError(
      'not-loadable',
      `${absolute} is not a JavaScript or TypeScript file in the migration folder, so it was not compiled for the sandbox (project code runs nowhere else).`,
      'Write migrations as .js, .cjs, .mjs, .ts, .cts or .mts files in the migration folder.',
      { file: absolute },
    );
  }
  if (compiled.kind === 'error') {
    if (compiled.line !== undefined) {
      throw new UserError(
        'migration-syntax',
        `Syntax error: ${compiled.message}`,
        'Fix the syntax at that position so the migration compiles.',
        { file: absolute, line: compiled.line, ...(compiled.column !== undefined ? { column: compiled.column } : {}) },
      );
    }
    throw new UserError(
      'migration-load-failed',
      `Loading the migration failed: ${compiled.message}`,
      'Make the file load on its own (imports resolvable from the project, no top-level errors).',
      { file: absolute },
    );
  }
  try {
    if (compiled.kind === 'native-esm') return (await import(pathToFileURL(absolute).href)) as Record<string, unknown>;
    if (compiled.kind === 'esm') {
      return (await import(`data:text/javascript;base64,${Buffer.from(compiled.code).toString('base64')}`)) as Record<
        string,
        unknown
      >;
    }
    const module = new Module(absolute) as Module & { _compile(code: string, file: string): void };
    module.filename = absolute;
    module.paths = (Module as unknown as { _nodeModulePaths(folder: string): string[] })._nodeModulePaths(
      path.dirname(absolute),
    );
    module._compile(compiled.code, absolute);
    return (module.exports as Record<string, unknown> | undefined) ?? {};
  } catch (error) {
    throw loadError(absolute, error);
  }
}

/** A package as the project has it installed (its version compiles what production runs), else ours. */
export function requireFromProject<T>(root: string, name: string): { module: T; source: 'project' | 'bundled' } {
  try {
    const projectRequire = createRequire(path.join(root, 'package.json'));
    return { module: projectRequire(projectRequire.resolve(name)) as T, source: 'project' };
  } catch {
    return { module: createRequire(import.meta.url)(name) as T, source: 'bundled' };
  }
}

/** The installed version of a package, found from its entry point (some packages do not export package.json). */
export function packageVersion(root: string, name: string): string {
  let entry: string;
  try {
    entry = createRequire(path.join(root, 'package.json')).resolve(name);
  } catch {
    entry = createRequire(import.meta.url).resolve(name);
  }
  for (let folder = path.dirname(entry); folder !== path.dirname(folder); folder = path.dirname(folder)) {
    try {
      const manifest = JSON.parse(readFileSync(path.join(folder, 'package.json'), 'utf8')) as {
        name?: string;
        version?: string;
      };
      if (manifest.name === name && manifest.version) return manifest.version;
    } catch {
      // no package.json at this level
    }
  }
  return 'unknown';
}

/** Runs project code with a time limit; a promise that never settles becomes a per-file timeout error. */
export async function withTimeLimit<T>(
  work: () => Promise<T>,
  timeoutMs: number,
  file: string,
  signal?: AbortSignal,
): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const limit = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () =>
        reject(
          new UserError(
            'migration-timeout',
            `${file} did not finish within ${timeoutMs} ms when run to record its SQL (a promise that never resolves, or a wait on a database).`,
            'Make up()/down() return (await every call, do not wait on external services), or raise the time limit.',
            { file },
          ),
        ),
      timeoutMs,
    );
  });
  const aborted = new Promise<never>((_, reject) => {
    signal?.addEventListener(
      'abort',
      () => reject(new UserError('cancelled', 'Reading migrations was cancelled.', 'Run it again.')),
      { once: true },
    );
  });
  try {
    return await Promise.race([work(), limit, aborted]);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * The current stack as Node prints it, with source maps applied: a test runner or APM agent that installed its
 * own Error.prepareStackTrace would otherwise show positions in the transpiled code.
 */
export function sourceMappedStack(): string | undefined {
  return withNodeStackFormat(() => new Error().stack);
}

/** The stack of a thrown error, formatted by Node (source-mapped) if nobody has read it yet. */
export function sourceMappedStackOf(error: unknown): string | undefined {
  return error instanceof Error ? withNodeStackFormat(() => error.stack) : undefined;
}

function withNodeStackFormat<T>(read: () => T): T {
  const holder = Error as { prepareStackTrace?: unknown };
  const installed = holder.prepareStackTrace;
  holder.prepareStackTrace = undefined;
  try {
    return read();
  } finally {
    holder.prepareStackTrace = installed;
  }
}

/** file:line:column of the first stack frame inside `absolute`. */
export function frameIn(stack: string | undefined, absolute: string): { line: number; column: number } | undefined {
  if (!stack) return undefined;
  // CommonJS frames name the path; ES module frames its file URL (possibly with a ?query).
  const names = [absolute, pathToFileURL(absolute).href];
  for (const line of stack.split('\n')) {
    for (const name of names) {
      const at = line.lastIndexOf(name);
      if (at === -1) continue;
      const match = /^(?:\?[^:\s]*)?:(\d+):(\d+)/.exec(line.slice(at + name.length));
      if (match) return { line: Number(match[1]), column: Number(match[2]) };
    }
  }
  return undefined;
}

function loadError(absolute: string, error: unknown): UserError {
  const message = sandboxDenial(error) ?? (error instanceof Error ? error.message : String(error));
  const frame = frameIn(sourceMappedStackOf(error), absolute);
  return new UserError(
    'migration-load-failed',
    `Loading the migration failed: ${headline(message)}`,
    'Make the file load on its own (imports resolvable from the project, no top-level errors).',
    { file: absolute, ...(frame ?? {}) },
  );
}

export function thrownByMigration(absolute: string, direction: string, error: unknown): UserError {
  if (error instanceof UserError) return error;
  const message =
    sandboxDenial(error) ??
    (error instanceof Error
      ? `${JS_RUNTIME_ERRORS.has(error.name) ? `${error.name}: ` : ''}${error.message}`
      : String(error));
  const frame = frameIn(sourceMappedStackOf(error), absolute);
  return new UserError(
    'migration-threw',
    `${direction}() threw while its SQL was recorded: ${headline(message)}`,
    `Fix ${direction}() so it runs to the end; the other migrations were read.`,
    { file: absolute, ...(frame ?? {}) },
  );
}

/** A thrown message's first line; all of it on one line when that line says nothing (a ZodError's `[`). */
function headline(message: string): string {
  const first = message.split('\n')[0] ?? '';
  if (/\w/.test(first)) return first;
  const whole = message.replace(/\s+/g, ' ').trim();
  return whole.length > 300 ? `${whole.slice(0, 299)}…` : whole;
}

/** Errors JavaScript itself throws on broken code, as opposed to a migration's own `throw new Error(…)`. */
const JS_RUNTIME_ERRORS = new Set(['ReferenceError', 'TypeError', 'SyntaxError', 'RangeError']);

/** Whether the migration failed on broken code (a ReferenceError, TypeError …) rather than throwing on purpose. */
export function failedOnBrokenCode(error: UserError): boolean {
  const name = /^\w+\(\) threw while its SQL was recorded: (\w+): /.exec(error.what)?.[1];
  return error.code === 'migration-threw' && name !== undefined && JS_RUNTIME_ERRORS.has(name);
}

const DENIED: Record<string, string> = {
  FileSystemWrite: 'writing files',
  FileSystemRead: 'reading outside the project',
  ChildProcess: 'starting a process',
  WorkerThreads: 'starting a worker thread',
  WASI: 'starting WASI',
};

/** Node's "Access to this API has been restricted", said in the sandbox's terms. */
function sandboxDenial(error: unknown): string | undefined {
  const { code, permission, resource } = (error ?? {}) as { code?: string; permission?: string; resource?: string };
  if (code !== 'ERR_ACCESS_DENIED') return undefined;
  const action = DENIED[permission ?? ''] ?? `the ${permission ?? 'requested'} permission`;
  return `the sandbox denied ${action}${resource ? ` (${resource})` : ''}: migrations are run only to record their SQL, with read access to the project and nothing else`;
}
