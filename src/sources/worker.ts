import { parentPort, workerData } from 'node:worker_threads';
import { UserError } from '../errors.js';
import { FORMAT_READERS } from './registry.js';
import type { ReadContext } from './types.js';

/**
 * Worker-thread entry: reads one code format (knex, TypeORM, Sequelize) away from the main thread, so a
 * migration that loops forever, calls process.exit or prints to stdout cannot hang, end or corrupt the server.
 * It reports each file before running it; the main thread's watchdog ends the worker when a file overruns.
 */
interface WorkerInput {
  format: string;
  context: Omit<ReadContext, 'signal' | 'onFile'>;
}

const input = workerData as WorkerInput;
const reader = FORMAT_READERS.find((candidate) => candidate.format === input.format);

try {
  if (!reader)
    throw new UserError('unsupported-format', `No reader for ${input.format}.`, 'This is a bug; please report it.');
  const read = await reader.read({
    ...input.context,
    onFile: (file) => parentPort?.postMessage({ type: 'file', file }),
  });
  parentPort?.postMessage({ type: 'done', read });
} catch (error) {
  const failure =
    error instanceof UserError
      ? { code: error.code, what: error.what, fix: error.fix, where: error.where }
      : { code: 'internal', what: error instanceof Error ? error.message : String(error), fix: '' };
  parentPort?.postMessage({ type: 'failed', failure });
}
