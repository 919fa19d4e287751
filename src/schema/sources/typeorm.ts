import path from 'node:path';
import { UserError } from '../../errors.js';
import type { Engine } from '../../model.js';
import type { SandboxTypeormRequest } from '../../sandbox/child-main.js';
import { compileProjectBundle } from '../../sandbox/compile.js';
import { strictNullChecksOf } from '../../sandbox/tsconfig-strict.js';
import type { ProjectCodeConsent } from '../../sources/types.js';
import type { Schema } from '../model.js';
import type { FilesAtRef } from './files-at-ref.js';
import { askSandbox } from './sandbox-ask.js';
import type { TypeormEngine } from './typeorm-schema.js';

/**
 * TypeORM entities as a schema source. They are TypeScript classes, so reading them runs project code: only with
 * the caller's consent, and only in the sandbox, where the project's own TypeORM plans the tables synchronize
 * would create. That SQL is applied to a shadow the tool created and read back.
 */
export interface TypeormSourceOptions {
  root: string;
  /** The data source module or the entity files, absolute. */
  files: string[];
  /** The project's files at a git ref: the entries and everything they import are read there. */
  atRef?: FilesAtRef;
  /** The engine when no data source names one. */
  engine?: Engine;
  executeProjectCode?: ProjectCodeConsent;
  applyDdl: (statements: string[], engine: Engine) => Promise<Schema>;
  timeoutMs?: number;
}

const DEFAULT_TIMEOUT_MS = 30_000;

export async function readTypeormSchema(label: string, options: TypeormSourceOptions): Promise<Schema> {
  const consent = options.executeProjectCode;
  if ((typeof consent === 'function' ? await consent() : consent) !== true)
    throw new UserError(
      'typeorm-needs-consent',
      `${label} holds TypeORM entities: reading them runs the project's code.`,
      'Pass executeProjectCode: true (CLI --execute) to load them in the sandbox, or compare SQL sources (sql:<file>, migrations).',
      { file: label },
    );
  const bundle = path.join(options.root, 'typeorm-entities.sandbox.js');
  const compiled = await compileProjectBundle(options.root, bundle, options.files, {
    decorators: { strictNullChecks: strictNullChecksOf(options.root) },
    ...(options.atRef ? { atRef: options.atRef } : {}),
  });
  if (compiled.kind === 'error') throw compileError(compiled.message, label);
  const engine = typeormEngine(options.engine);
  const request: SandboxTypeormRequest = {
    type: 'typeorm-schema',
    root: options.root,
    bundle,
    label,
    ...(engine ? { engine } : {}),
    modules: { [bundle]: compiled },
  };
  const answer = await askSandbox(request, 'typeorm-schema', {
    root: options.root,
    timeoutMs: options.timeoutMs ?? DEFAULT_TIMEOUT_MS,
    what: 'the TypeORM entities',
    // TypeORM's SQLite driver loads better-sqlite3, a native addon, even unconnected.
    ...(engine === 'sqlite' ? { addons: true } : {}),
  }).catch((error: unknown) => {
    throw asSchemaError(error, label);
  });
  return options.applyDdl(answer.schema.statements, answer.schema.engine);
}

function typeormEngine(engine: Engine | undefined): TypeormEngine | undefined {
  if (engine === 'postgresql' || engine === 'cockroachdb') return 'postgresql';
  if (engine === 'mysql' || engine === 'mariadb') return 'mysql';
  if (engine === 'sqlite') return 'sqlite';
  return undefined;
}

/** esbuild names an entity file's error as `text (file:line:column)`; it becomes where. */
function compileError(message: string, label: string): UserError {
  const at = /^(.*) \((.+):(\d+):(\d+)\)$/s.exec(message);
  return new UserError(
    'typeorm-entities-syntax',
    `${label} does not compile: ${at?.[1] ?? message}`,
    'Fix the code at that position so the entities compile (TypeScript with experimentalDecorators).',
    at ? { file: at[2] as string, line: Number(at[3]), column: Number(at[4]) } : { file: label },
  );
}

/** The loader speaks of migrations; here the entities are the schema, named as the caller named them. */
function asSchemaError(error: unknown, label: string): unknown {
  if (!(error instanceof UserError) || error.code !== 'migration-load-failed') return error;
  return new UserError(
    'typeorm-entities-load-failed',
    error.what.replace('Loading the migration failed', `Loading ${label} failed`),
    'Make the entities load on their own: imports resolvable from the project, no top-level errors.',
    error.where ? { ...error.where } : { file: label },
  );
}
