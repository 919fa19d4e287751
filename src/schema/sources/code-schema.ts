import path from 'node:path';
import { UserError } from '../../errors.js';
import type { Engine } from '../../model.js';
import type { SandboxCodeSchemaRequest } from '../../sandbox/child-main.js';
import { compileProjectBundle } from '../../sandbox/compile.js';
import { compilerOption } from '../../sandbox/tsconfig-options.js';
import type { ProjectCodeConsent } from '../../sources/types.js';
import type { Schema } from '../model.js';
import type { FilesAtRef } from './files-at-ref.js';
import { moduleEntries } from './module-entries.js';
import { askSandbox } from './sandbox-ask.js';
import type { CodeSchemaEngine, CodeSchemaInfo } from './typeorm-schema.js';

/**
 * TypeORM entities and Sequelize models as schema sources. They are code, so reading them runs the project's
 * code: only with the caller's consent, and only in the sandbox, where the project's own ORM plans the tables it
 * would create (TypeORM's synchronize, Sequelize's sync). That SQL is applied to a shadow the tool created and
 * read back.
 */
export type CodeOrm = 'typeorm' | 'sequelize' | 'mikroorm';

const ORMS: Record<CodeOrm, { holds: string; name: string; fix: string }> = {
  typeorm: {
    holds: 'TypeORM entities',
    name: 'entities',
    fix: 'Point at the data source module or at the entity files (a glob such as src/entity/*.ts).',
  },
  mikroorm: {
    holds: 'MikroORM entities',
    name: 'entities',
    fix: 'Point at the entity files (a glob such as src/**/*.entity.ts), with mikro-orm.config.ts among them.',
  },
  sequelize: {
    holds: 'Sequelize models',
    name: 'models',
    fix: 'Point at the module that creates the Sequelize instance and defines the models (often models/index.js).',
  },
};

export interface CodeSchemaOptions {
  root: string;
  /** The modules to load (data source, entity or model files), absolute. */
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

export async function readCodeSchema(orm: CodeOrm, label: string, options: CodeSchemaOptions): Promise<Schema> {
  const consent = options.executeProjectCode;
  if ((typeof consent === 'function' ? await consent() : consent) !== true)
    throw new UserError(
      `${orm}-needs-consent`,
      `${label} holds ${ORMS[orm].holds}: reading them runs the project's code.`,
      'Pass executeProjectCode: true (CLI --execute) to load them in the sandbox, or compare SQL sources (sql:<file>, migrations).',
      { file: label },
    );
  const planned = await planInSandbox(orm, label, options);
  if (!planned.entityPaths) return options.applyDdl(planned.statements, planned.engine);
  // The config names its entities by path (TypeORM `entities: ['src/entity/*.ts']`, MikroORM `entitiesTs`):
  // loaded with it, they are the entities it declares.
  const named = planned.entityPaths.flatMap((pattern) => entityFiles(options.root, pattern, options.atRef));
  const files = [...new Set([...options.files, ...named])];
  const again = await planInSandbox(orm, label, { ...options, files });
  if (again.entityPaths)
    throw new UserError(
      `${orm}-no-entities`,
      `${label} names its entities by path (${planned.entityPaths.join(', ')}), and none loaded from there.`,
      ORMS[orm].fix,
      { file: label },
    );
  return options.applyDdl(again.statements, again.engine);
}

/** The modules compiled into one bundle and the ORM's plan for an empty database, from a fresh sandbox. */
async function planInSandbox(orm: CodeOrm, label: string, options: CodeSchemaOptions): Promise<CodeSchemaInfo> {
  // Beside the first module, so a lone data source's __dirname is its own folder.
  const bundle = path.join(path.dirname(options.files[0] ?? path.join(options.root, 'x')), `${orm}.sandbox.js`);
  // TypeORM and MikroORM need tsc's legacy decorators and their design:type; Sequelize projects use them when
  // tsconfig says so.
  const decorators = orm !== 'sequelize' || compilerOption(options.root, 'experimentalDecorators') === true;
  const strict = compilerOption(options.root, 'strictNullChecks') ?? compilerOption(options.root, 'strict') ?? false;
  const compiled = await compileProjectBundle(options.root, bundle, options.files, {
    ...(decorators ? { decorators: { strictNullChecks: strict } } : {}),
    ...(options.atRef ? { atRef: options.atRef } : {}),
  });
  if (compiled.kind === 'error') throw compileError(orm, compiled.message, label);
  const engine = codeEngine(options.engine);
  const request: SandboxCodeSchemaRequest = {
    type: 'code-schema',
    orm,
    root: options.root,
    bundle,
    label,
    ...(engine ? { engine } : {}),
    modules: { [bundle]: compiled },
  };
  const answer = await askSandbox(request, 'code-schema', {
    root: options.root,
    timeoutMs: options.timeoutMs ?? DEFAULT_TIMEOUT_MS,
    // No native addons: TypeORM's SQLite driver requires better-sqlite3, whose addon loads only when a database opens.
    what: `the ${ORMS[orm].holds}`,
  });
  return answer.schema;
}

/** An entity path of a config, relative to the project (as the ORM reads it from its cwd) or absolute. */
function entityFiles(root: string, pattern: string, atRef: FilesAtRef | undefined): string[] {
  const relative = path.isAbsolute(pattern) ? path.relative(root, pattern) : pattern;
  try {
    return moduleEntries(root, relative.split(path.sep).join('/'), atRef);
  } catch {
    return [];
  }
}

function codeEngine(engine: Engine | undefined): CodeSchemaEngine | undefined {
  if (engine === 'postgresql' || engine === 'cockroachdb') return 'postgresql';
  if (engine === 'mysql' || engine === 'mariadb') return 'mysql';
  if (engine === 'sqlite') return 'sqlite';
  return undefined;
}

/** esbuild names an imported file's error as `text (file:line:column)`; it becomes where. */
function compileError(orm: CodeOrm, message: string, label: string): UserError {
  const at = /^(.*) \((.+):(\d+):(\d+)\)$/s.exec(message);
  return new UserError(
    `${orm}-${ORMS[orm].name}-syntax`,
    `${label} does not compile: ${at?.[1] ?? message}`,
    `Fix the code at that position so the ${ORMS[orm].name} compile${/Could not resolve/.test(message) ? ' (an import that does not resolve: fix its path, or commit the file at that ref)' : ''}.`,
    at ? { file: at[2] as string, line: Number(at[3]), column: Number(at[4]) } : { file: label },
  );
}
