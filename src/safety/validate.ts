import type { Engine } from '../model.js';
import { resolveInsideRoot } from '../root.js';
import type { ProjectCodeConsent } from '../sources/types.js';
import { scopeByEngine } from './engine-scope.js';
import { historyBeforeChecked } from './explicit-history.js';
import { loadSqlInputs, type SqlInput } from './inputs.js';
import { loadMigrationInputs } from './migration-inputs.js';
import { loadProjectDatabase } from './project-database.js';
import type { ReportSummary } from './report.js';
import {
  type CheckStream,
  claimedEngine,
  requireProjectEngine,
  type SafetyCheckOptions,
  type SafetyCheckResult,
  streamSqlInputs,
  withCoverage,
} from './run.js';

/**
 * What validate_safety and `check` both do: read the inputs (SQL text and/or migration files of any format),
 * make sure the engine is one we have rules for, gather the history, and run the check. The tool and the CLI
 * differ only in how they take options and present the result.
 */
export interface ValidateRequest {
  /** Real project root (from resolveProjectRoot). */
  root: string;
  /** SQL given as text (MCP `sql`, CLI stdin), checked before the paths. */
  text?: SqlInput;
  /** Migration files, folders or globs inside the root. */
  paths: string[];
  engine?: string;
  /** Compile knex/TypeORM/Sequelize/Alembic/Django migrations (runs project code, isolated, time-limited). */
  executeProjectCode: ProjectCodeConsent;
  timeoutMs?: number;
  signal?: AbortSignal;
  /** Earlier, already applied migrations whose tables count as existing. */
  historyPaths?: string[];
  check: Omit<SafetyCheckOptions, 'root' | 'projectDatabase' | 'notes' | 'history'>;
}

/**
 * Checks the request, writing each file's findings and lock summaries to `stream` while it runs (see CheckStream);
 * the result holds the rest of each report, and `inputs` what was checked, in order.
 */
export async function streamMigrations(
  request: ValidateRequest,
  stream: CheckStream,
): Promise<{ result: SafetyCheckResult<ReportSummary>; inputs: SqlInput[] }> {
  const prepared = await prepare(request);
  const checked = await streamSqlInputs(prepared.inputs, prepared.options, stream, prepared.errors);
  return {
    result: withCoverage({ ...checked, errors: [...prepared.errors, ...checked.errors] }),
    inputs: prepared.inputs,
  };
}

/** Reads the inputs and the history, and settles the engine, before anything is checked. */
async function prepare(
  request: ValidateRequest,
): Promise<{ inputs: SqlInput[]; options: SafetyCheckOptions; errors: SafetyCheckResult['errors'] }> {
  const { root } = request;
  // The project's files are read only when they can decide something: the engine or the version.
  const database =
    request.engine === undefined || request.check.pgVersion === undefined
      ? await loadProjectDatabase(root)
      : { evidence: [] };
  const projectDatabase = () => database;
  if (request.engine !== undefined) requireProjectEngine({ explicit: request.engine });
  for (const path of request.paths) if (!/[*?[{]/.test(path)) resolveInsideRoot(root, path);
  const loaded = await loadMigrationInputs(root, request.paths, {
    executeProjectCode: request.executeProjectCode,
    // The caller's engine also decides what the readers read: a multi-dialect folder's files for that engine.
    ...(request.engine !== undefined ? { engine: request.engine as Engine } : {}),
    ...(request.timeoutMs !== undefined ? { timeoutMs: request.timeoutMs } : {}),
    ...(request.signal ? { signal: request.signal } : {}),
  });
  const read = request.text ? [request.text, ...loaded.inputs] : loaded.inputs;
  const choice = {
    ...(loaded.engine ? { declared: loaded.engine } : {}),
    project: projectDatabase,
    inputs: [...read.map((input) => input.file), ...loaded.errors.map((error) => error.where?.file ?? '<input>')],
  };
  const scoped = scopeByEngine(read, {
    ...choice,
    ...(request.engine !== undefined ? { explicit: request.engine } : {}),
  });
  // The caller's engine wins over each folder's; otherwise a folder's own engine, else the project's.
  const inputs =
    request.engine !== undefined
      ? scoped.checked.map((input) => ({ ...input, engine: { name: request.engine as string, where: 'option' } }))
      : scoped.checked;
  const notChecked = scoped.notChecked;
  const fallbackEngine = request.engine ?? claimedEngine(choice)?.name;
  const named =
    request.historyPaths && request.historyPaths.length > 0
      ? historyBeforeChecked(
          (await loadSqlInputs(root, request.historyPaths)).map((input) => ({ sql: input.sql, file: input.file })),
          read.map((input) => input.file),
        )
      : { history: [] };
  const history = [...loaded.history, ...named.history];
  if (named.note) loaded.notes.push(named.note);
  const options: SafetyCheckOptions = {
    ...request.check,
    ...(fallbackEngine !== undefined && fallbackEngine !== 'unknown' ? { engine: fallbackEngine } : {}),
    root,
    projectDatabase,
    notes: loaded.notes,
    // A folder read cleanly means every earlier table is known; text alone says nothing about the schema.
    ...(history.length > 0 || (request.paths.length > 0 && loaded.historyComplete) ? { history } : {}),
    ...(loaded.historyPartial ? { historyComplete: false } : {}),
  };
  return { inputs, options, errors: [...loaded.errors, ...notChecked] };
}
