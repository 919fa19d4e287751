import { UserError } from '../errors.js';
import { planningError } from '../schema/sources/code-run.js';
import { type DrizzleSchemaInfo, describeDrizzleSchema } from '../schema/sources/drizzle-tables.js';
import { describeMikroormSchema } from '../schema/sources/mikroorm-schema.js';
import { describeSequelizeSchema } from '../schema/sources/sequelize-schema.js';
import { type CodeSchemaEngine, type CodeSchemaInfo, describeTypeormSchema } from '../schema/sources/typeorm-schema.js';
import { useCompiledModules } from '../sources/loader.js';
import { FORMAT_READERS } from '../sources/registry.js';
import type { ReadContext } from '../sources/types.js';
import type { CompiledModules } from './compile.js';
import { GUARD_MARK } from './guard-mark.js';

/**
 * The sandboxed child's main module: receives one read request over IPC, reads the migrations with the format's
 * reader (running the project's code against a recorder), reports each file before it runs (so the parent's
 * watchdog knows which file hung or ended the process) and sends the result back.
 */
export interface SandboxReadRequest {
  type: 'read';
  format: string;
  context: Omit<ReadContext, 'signal' | 'onFile'>;
  modules: CompiledModules;
}

/** Load a Drizzle schema module and describe its tables (diff_schema's Drizzle source). */
export interface SandboxDrizzleRequest {
  type: 'drizzle-schema';
  root: string;
  file: string;
  modules: CompiledModules;
}

/**
 * Load TypeORM or MikroORM entities or Sequelize models (one bundle) and have the ORM plan their tables on an empty database
 * (diff_schema's TypeORM, Sequelize and MikroORM sources).
 */
export interface SandboxCodeSchemaRequest {
  type: 'code-schema';
  orm: 'typeorm' | 'sequelize' | 'mikroorm';
  root: string;
  /** The bundle's key in modules; label names the source in errors. */
  bundle: string;
  label: string;
  engine?: CodeSchemaEngine;
  modules: CompiledModules;
}

export type SandboxRequest = SandboxReadRequest | SandboxDrizzleRequest | SandboxCodeSchemaRequest;

export type SandboxMessage =
  | { type: 'file'; file: string }
  | { type: 'done'; read: Awaited<ReturnType<(typeof FORMAT_READERS)[number]['read']>> }
  | { type: 'drizzle-schema'; schema: DrizzleSchemaInfo }
  | { type: 'code-schema'; schema: CodeSchemaInfo }
  | { type: 'failed'; failure: { code: string; what: string; fix: string; where?: UserError['where'] } };

function send(message: SandboxMessage): Promise<void> {
  return new Promise((resolve) => process.send?.(message, undefined, undefined, () => resolve()));
}

async function answer(work: () => Promise<SandboxMessage>): Promise<void> {
  try {
    if (!(globalThis as Record<symbol, unknown>)[GUARD_MARK]) {
      throw new UserError('sandbox-unguarded', 'The network guard is not loaded.', 'This is a bug; please report it.');
    }
    await send(await work());
  } catch (error) {
    const failure =
      error instanceof UserError
        ? { code: error.code, what: error.what, fix: error.fix, ...(error.where ? { where: error.where } : {}) }
        : { code: 'internal', what: error instanceof Error ? error.message : String(error), fix: '' };
    await send({ type: 'failed', failure });
  }
  // Timers or handles the project code left open must not keep the sandbox alive.
  process.exit(0);
}

async function read(request: SandboxReadRequest): Promise<SandboxMessage> {
  const reader = FORMAT_READERS.find((candidate) => candidate.format === request.format);
  if (!reader)
    throw new UserError('unsupported-format', `No reader for ${request.format}.`, 'This is a bug; please report it.');
  useCompiledModules(request.modules);
  const result = await reader.read({ ...request.context, onFile: (file) => void send({ type: 'file', file }) });
  return { type: 'done', read: result };
}

async function drizzleSchema(request: SandboxDrizzleRequest): Promise<SandboxMessage> {
  useCompiledModules(request.modules);
  return { type: 'drizzle-schema', schema: await describeDrizzleSchema(request.root, request.file) };
}

async function codeSchema(request: SandboxCodeSchemaRequest): Promise<SandboxMessage> {
  const { root, bundle, label, engine, orm } = request;
  const compiled = request.modules[bundle];
  const code = compiled?.kind === 'cjs' ? compiled.code : '';
  try {
    const schema =
      orm === 'typeorm'
        ? await describeTypeormSchema(root, bundle, code, label, engine)
        : orm === 'mikroorm'
          ? await describeMikroormSchema(root, bundle, code, label, engine)
          : await describeSequelizeSchema(root, bundle, code, label);
    return { type: 'code-schema', schema };
  } catch (error) {
    throw planningError(root, bundle, error, label, orm);
  }
}

process.once(
  'message',
  (request: SandboxRequest) =>
    void answer(() =>
      request.type === 'read'
        ? read(request)
        : request.type === 'drizzle-schema'
          ? drizzleSchema(request)
          : codeSchema(request),
    ),
);
