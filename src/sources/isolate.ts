import path from 'node:path';
import { toUserError, UserError } from '../errors.js';
import { relativeToRoot } from '../root.js';
import type { SandboxMessage, SandboxReadRequest } from '../sandbox/child-main.js';
import { type CompiledModules, compileProjectModules } from '../sandbox/compile.js';
import { startSandbox } from '../sandbox/spawn.js';
import { listEntries } from './files.js';
import { SCRIPT_EXTENSIONS } from './formats/js-common.js';
import type { FormatRead, FormatReader, MigrationReadError, ReadContext } from './types.js';

type Attempt =
  | { kind: 'done'; read: FormatRead; notes: string[] }
  | { kind: 'hung'; file: string; ranMs: number; exitCode?: number | null; signal?: NodeJS.Signals | null };

/**
 * Runs a code format's reader in the sandbox (src/sandbox/). The reader's own time limit catches migrations
 * that never resolve; this watchdog catches the ones that block the process (an endless loop) or end it
 * (process.exit, the heap cap): it kills the sandbox (SIGKILL) and runs the read again without that file, so
 * the others are still returned.
 */
export async function readIsolated(reader: FormatReader, context: ReadContext): Promise<FormatRead> {
  const folders = [context.directory, ...(context.alongside ?? [])];
  const modules = await compileProjectModules(context.root, (await Promise.all(folders.map(scriptsOf))).flat());
  const addons = (await reader.nativeAddons?.(context)) ?? false;
  const skip: string[] = [];
  const hung: MigrationReadError[] = [];
  for (;;) {
    const attempt = await runAttempt(reader, { ...context, skip: [...skip] }, modules, addons);
    if (attempt.kind === 'done') {
      const read = { ...attempt.read, errors: [...hung, ...attempt.read.errors] };
      return attempt.notes.length > 0 ? withSandboxNotes(read, attempt.notes) : read;
    }
    skip.push(attempt.file);
    const relative = relativeToRoot(context.root, attempt.file);
    hung.push({ path: relative, error: stopped(relative, attempt, context) });
  }
}

/** The migration folder's scripts, compiled by us before the sandbox starts (it cannot start a compiler). */
async function scriptsOf(directory: string): Promise<string[]> {
  const { files } = await listEntries(directory);
  return files
    .filter((file) => SCRIPT_EXTENSIONS.some((extension) => file.endsWith(extension)) && !/\.d\.[cm]?ts$/.test(file))
    .map((file) => path.join(directory, file));
}

function stopped(relative: string, attempt: Extract<Attempt, { kind: 'hung' }>, context: ReadContext) {
  if (attempt.exitCode === undefined && attempt.signal === undefined) {
    return {
      code: 'migration-timeout',
      what: `${relative} blocked for ${attempt.ranMs} ms while its SQL was recorded (a loop that never ends, or synchronous work that never returns; the limit is ${context.timeoutMs} ms); it was stopped.`,
      fix: 'Make the migration return; loops must end and long synchronous work does not belong in a migration.',
      where: { file: relative },
    };
  }
  if (attempt.signal) {
    return {
      code: 'migration-killed',
      what: `${relative} ended the sandbox (${attempt.signal}) while its SQL was recorded — most likely it ran out of memory (the sandbox's heap is capped).`,
      fix: 'Keep up()/down() to issuing schema changes; large in-memory work does not belong in a migration.',
      where: { file: relative },
    };
  }
  return {
    code: 'migration-exit',
    what: `${relative} ended the process (process.exit(${attempt.exitCode})) while its SQL was recorded.`,
    fix: 'Remove process.exit() from the migration; throw an error to make it fail instead.',
    where: { file: relative },
  };
}

function withSandboxNotes(read: FormatRead, notes: string[]): FormatRead {
  return {
    ...read,
    migrations: read.migrations.map((migration) => ({
      ...migration,
      notes: [...migration.notes, ...notes.map((note) => `Sandbox: ${note}.`)],
    })),
  };
}

/** Starting Node and loading the recorder's packages (knex, TypeORM …) on a busy machine. */
const STARTUP_MS = 30_000;

/**
 * The reader's own limit fires at timeoutMs when the process is free (a promise that never resolves, reported per
 * file); the watchdog fires a moment later only when it is not (an endless loop), and kills the process.
 */
function watchdogMs(context: ReadContext): number {
  return context.timeoutMs + 1_000;
}

async function runAttempt(
  reader: FormatReader,
  context: ReadContext,
  modules: CompiledModules,
  addons: boolean,
): Promise<Attempt> {
  const { signal, onFile: _onFile, ...plain } = context;
  signal?.throwIfAborted();
  const { child, notes } = await startSandbox({ root: context.root, addons });
  return new Promise<Attempt>((resolve, reject) => {
    let current: string | undefined;
    let currentSince = 0;
    const ranMs = () => Math.round(performance.now() - currentSince);
    let settled = false;
    let timer: NodeJS.Timeout | undefined;
    const settle = (finish: () => void) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
      child.kill('SIGKILL');
      finish();
    };
    const arm = () => {
      clearTimeout(timer);
      const limit = current ? watchdogMs(context) : Math.max(watchdogMs(context), STARTUP_MS);
      timer = setTimeout(() => {
        if (current) settle(() => resolve({ kind: 'hung', file: current ?? '', ranMs: ranMs() }));
        else settle(() => reject(sandboxFailed(`it did not start within ${limit} ms`)));
      }, limit);
    };
    const onAbort = () => settle(() => reject(stoppedWhileReading(context.root, current, ranMs())));
    signal?.addEventListener('abort', onAbort, { once: true });
    // Starting the sandbox (Node, the recorder's packages) is watched too, with a limit of its own.
    arm();
    child.on('message', (message: SandboxMessage) => {
      if (message.type === 'file') {
        current = message.file;
        currentSince = performance.now();
        arm();
      } else if (message.type === 'done') settle(() => resolve({ kind: 'done', read: message.read, notes }));
      else if (message.type === 'failed') settle(() => reject(sandboxFailure(message.failure)));
    });
    child.on('error', (error) => settle(() => reject(sandboxFailed(error.message))));
    child.on('exit', (code, exitSignal) => {
      settle(() =>
        current
          ? resolve({ kind: 'hung', file: current, ranMs: ranMs(), exitCode: code, signal: exitSignal })
          : reject(sandboxFailed(`it exited with ${exitSignal ?? `code ${code}`} before reading any migration`)),
      );
    });
    const request: SandboxReadRequest = { type: 'read', format: reader.format, context: plain, modules };
    child.send(request);
  });
}

/** Reading was cancelled (or its caller's time limit fired): the sandbox was killed; say what it was running. */
function stoppedWhileReading(root: string, file: string | undefined, ranMs: number): UserError {
  if (!file) return new UserError('cancelled', 'Reading migrations was cancelled.', 'Run it again.');
  const relative = relativeToRoot(root, file);
  return new UserError(
    'cancelled',
    `It was recording the SQL of ${relative} in the sandbox (for ${ranMs} ms), which was killed.`,
    'Run it again.',
    { file: relative },
  );
}

/** The error the sandboxed code reported, as our own. */
export function sandboxFailure(failure: Extract<SandboxMessage, { type: 'failed' }>['failure']): UserError {
  const { code, what, fix, where } = failure;
  return code === 'internal' ? toUserError(new Error(what)) : new UserError(code, what, fix, where);
}

export function sandboxFailed(reason: string): UserError {
  return new UserError(
    'sandbox-failed',
    `The sandbox that runs migration code could not run: ${reason} (its output is on stderr).`,
    'Check that Node.js 20 or later runs this tool; if it does, please report the stderr output.',
  );
}
