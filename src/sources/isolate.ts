import { Worker } from 'node:worker_threads';
import { toUserError, UserError } from '../errors.js';
import { relativeToRoot } from '../project/root.js';
import { workerScript } from '../worker-script.js';
import type { FormatRead, FormatReader, MigrationReadError, ReadContext } from './types.js';

type WorkerMessage =
  | { type: 'file'; file: string }
  | { type: 'done'; read: FormatRead }
  | { type: 'failed'; failure: { code: string; what: string; fix: string; where?: UserError['where'] } };

type Attempt = { kind: 'done'; read: FormatRead } | { kind: 'hung'; file: string; exitCode?: number };

/**
 * Runs a code format's reader in a worker thread. The reader's own time limit catches migrations that never
 * resolve; this watchdog catches the ones that block the thread (an endless loop), ends the worker and runs
 * the read again without that file, so the others are still returned.
 */
export async function readIsolated(reader: FormatReader, context: ReadContext): Promise<FormatRead> {
  const skip: string[] = [];
  const hung: MigrationReadError[] = [];
  for (;;) {
    const attempt = await runAttempt(reader, { ...context, skip: [...skip] });
    if (attempt.kind === 'done') return { ...attempt.read, errors: [...hung, ...attempt.read.errors] };
    skip.push(attempt.file);
    const relative = relativeToRoot(context.root, attempt.file);
    hung.push({
      path: relative,
      error:
        attempt.exitCode === undefined
          ? {
              code: 'migration-timeout',
              what: `${relative} blocked for more than ${watchdogMs(context)} ms while its SQL was recorded (a loop that never ends, or synchronous work that never returns); it was stopped.`,
              fix: 'Make the migration return; loops must end and long synchronous work does not belong in a migration.',
              where: { file: relative },
            }
          : {
              code: 'migration-exit',
              what: `${relative} ended the process (process.exit(${attempt.exitCode})) while its SQL was recorded.`,
              fix: 'Remove process.exit() from the migration; throw an error to make it fail instead.',
              where: { file: relative },
            },
    });
  }
}

/** The reader's own limit fires at timeoutMs when the thread is free; the watchdog only fires when it is not. */
function watchdogMs(context: ReadContext): number {
  return context.timeoutMs * 2 + 1_000;
}

function runAttempt(reader: FormatReader, context: ReadContext): Promise<Attempt> {
  const { signal, onFile: _onFile, ...plain } = context;
  const worker = new Worker(workerScript(import.meta.url, 'worker'), {
    workerData: { format: reader.format, context: plain },
    stdout: true,
    stderr: true,
  });
  // Whatever project code prints must not reach our stdout (the MCP stdio channel).
  worker.stdout.on('data', (chunk) => process.stderr.write(chunk));
  worker.stderr.on('data', (chunk) => process.stderr.write(chunk));
  return new Promise<Attempt>((resolve, reject) => {
    let current: string | undefined;
    let timer: NodeJS.Timeout | undefined;
    const settle = (finish: () => void) => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
      void worker.terminate();
      finish();
    };
    const arm = () => {
      clearTimeout(timer);
      timer = setTimeout(() => {
        if (current) settle(() => resolve({ kind: 'hung', file: current ?? '' }));
      }, watchdogMs(context));
    };
    const onAbort = () =>
      settle(() => reject(new UserError('cancelled', 'Reading migrations was cancelled.', 'Run it again.')));
    signal?.addEventListener('abort', onAbort, { once: true });
    worker.on('message', (message: WorkerMessage) => {
      if (message.type === 'file') {
        current = message.file;
        arm();
      } else if (message.type === 'done') settle(() => resolve({ kind: 'done', read: message.read }));
      else {
        const { code, what, fix, where } = message.failure;
        settle(() =>
          reject(code === 'internal' ? toUserError(new Error(what)) : new UserError(code, what, fix, where)),
        );
      }
    });
    worker.on('error', (error) => settle(() => reject(toUserError(error))));
    worker.on('exit', (code) => {
      // A migration that calls process.exit() ends only this worker.
      settle(() =>
        current
          ? resolve({ kind: 'hung', file: current, exitCode: code })
          : reject(
              new UserError(
                'migration-exit',
                `Reading ${reader.format} migrations stopped: the worker exited with code ${code}.`,
                'Remove process.exit() from the migrations.',
              ),
            ),
      );
    });
  });
}
