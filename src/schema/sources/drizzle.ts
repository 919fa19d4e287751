import { UserError } from '../../errors.js';
import type { Engine } from '../../model.js';
import type { SandboxDrizzleRequest } from '../../sandbox/child-main.js';
import { compileProjectModules, compileProjectSource } from '../../sandbox/compile.js';
import type { ProjectCodeConsent } from '../../sources/types.js';
import type { Schema } from '../model.js';
import { drizzleDdl } from './drizzle-ddl.js';
import type { DrizzleDialect, DrizzleSchemaInfo } from './drizzle-tables.js';
import type { FilesAtRef } from './files-at-ref.js';
import { askSandbox } from './sandbox-ask.js';

/**
 * A Drizzle `schema.ts` as a schema source. It is a TypeScript module, so reading it runs project code: only with
 * the caller's consent, and only in the sandbox, where drizzle-orm's getTableConfig describes each exported table.
 * That description becomes the DDL drizzle-kit would write, applied to a shadow and read back.
 */

export interface DrizzleSourceOptions {
  /** Absolute project root and the schema module's absolute path. */
  root: string;
  file: string;
  /** The module's text when it is not the file on disk (the file at a git ref). */
  text?: string;
  /** The project's files at that ref, which the module's relative imports resolve to. */
  atRef?: FilesAtRef;
  /** The caller's consent to run project code (`executeProjectCode` / `--execute`); a function asks. */
  executeProjectCode?: ProjectCodeConsent;
  /** Applies the DDL to a shadow of that engine and reads the schema back. */
  applyDdl: (statements: string[], engine: Engine) => Promise<Schema>;
  timeoutMs?: number;
}

const ENGINE: Record<DrizzleDialect, Engine> = { pg: 'postgresql', sqlite: 'sqlite', mysql: 'mysql' };

const DEFAULT_TIMEOUT_MS = 30_000;

export async function readDrizzleSchema(label: string, options: DrizzleSourceOptions): Promise<Schema> {
  const consent = options.executeProjectCode;
  if ((typeof consent === 'function' ? await consent() : consent) !== true)
    throw new UserError(
      'drizzle-needs-consent',
      `${label} is a Drizzle schema module: reading it runs the project's code.`,
      'Pass executeProjectCode: true (CLI --execute) to load it in the sandbox, or compare SQL sources (sql:<file>, migrations).',
      { file: label },
    );
  const info = await describeInSandbox(options).catch((error: unknown) => {
    throw asSchemaError(error, label);
  });
  return options.applyDdl(drizzleDdl(info), ENGINE[info.dialect]);
}

/** The loader speaks of migrations; here the module is the schema, named as the caller named it. */
function asSchemaError(error: unknown, label: string): unknown {
  if (!(error instanceof UserError)) return error;
  const where = error.where ? { ...error.where, file: label } : { file: label };
  if (error.code === 'migration-syntax' && /Could not resolve/.test(error.what))
    return new UserError(
      'drizzle-schema-import',
      error.what.replace(/^Syntax error: /, 'An import does not resolve: '),
      'Fix the import path, or commit the imported file at that ref (a module read at a ref imports from that ref).',
      where,
    );
  if (error.code === 'migration-syntax')
    return new UserError(
      'drizzle-schema-syntax',
      error.what,
      'Fix the syntax at that position so the schema module compiles.',
      where,
    );
  if (error.code === 'migration-load-failed')
    return new UserError(
      'drizzle-schema-load-failed',
      error.what.replace('Loading the migration failed', `Loading ${label} failed`),
      'Make the schema module load on its own: imports resolvable from the project, no top-level errors.',
      where,
    );
  if (error.code === 'drizzle-no-tables')
    return new UserError(error.code, error.what.replace(/^\S+ exports/, `${label} exports`), error.fix, where);
  return error;
}

/** The schema module loaded in the sandbox and described there; the sandbox is killed when it answers or hangs. */
export async function describeInSandbox(
  options: Pick<DrizzleSourceOptions, 'root' | 'file' | 'text' | 'atRef' | 'timeoutMs'>,
): Promise<DrizzleSchemaInfo> {
  const modules = options.text
    ? {
        [options.file]: await compileProjectSource(
          options.root,
          options.file,
          options.text,
          options.atRef ? { atRef: options.atRef } : {},
        ),
      }
    : await compileProjectModules(options.root, [options.file]);
  const request: SandboxDrizzleRequest = { type: 'drizzle-schema', root: options.root, file: options.file, modules };
  const answer = await askSandbox(request, 'drizzle-schema', {
    root: options.root,
    timeoutMs: options.timeoutMs ?? DEFAULT_TIMEOUT_MS,
    what: 'the schema module',
  });
  return answer.schema;
}
