import { mysqlDdlWriter } from '../engines/mysql/ddl-writer.js';
import { postgresDdlWriter } from '../engines/postgresql/ddl-writer.js';
import { sqliteDdlWriter } from '../engines/sqlite/ddl-writer.js';
import { UserError } from '../errors.js';
import type { Engine } from '../model.js';
import type { PackageSetup } from '../project/types.js';
import { resolveProjectRoot } from '../root.js';
import type { RenameAnswer } from '../schema/diff/types.js';
import { shadowEngineFor } from '../shadow/open.js';
import { askOnce } from '../sources/consent.js';
import type { ProjectCodeConsent } from '../sources/types.js';
import { loadPostgresParser } from '../sql/postgres.js';
import type { Change } from './changes.js';
import { parseServerVersion, readCurrentSchema, schemasAfterDrafts } from './current-schema.js';
import type { DdlWriter, ServerVersion } from './ddl.js';
import { planFromDiff } from './from-diff.js';
import { existingMigrations, locateFolder } from './locate.js';
import { type Plan, planChanges, type Strategy, type WithheldChange } from './plan.js';
import { type DraftRehearsal, type DraftValidation, rehearseDrafts, validateDrafts } from './prove.js';
import type { GeneratedFile, MigrationDraft } from './types.js';
import { sayDrafts, writeFiles } from './write-files.js';

/**
 * generate_migration's engine: find the migration folder and its format, read the current schema (the project's
 * migrations replayed on a shadow), plan the drafts, say them through the format's writer, validate and rehearse
 * each, and only then — unless dryRun — write the new files (never overwriting, never outside the project root).
 */

export interface GenerateRequest {
  root: string;
  /** An explicit change list, or `from` / `to` schema sources as diff_schema takes them. */
  changes?: Change[];
  from?: string;
  to?: string;
  file?: string;
  renames?: RenameAnswer[];
  name?: string;
  /** The migration tool to write for (default: the folder's); its module must have a writer. */
  format?: string;
  /** The migration folder, when the project has several (or none yet: a plain .sql folder is started). */
  folder?: string;
  engine?: Engine;
  /** e.g. `mariadb 10.11`, `mysql 8.0.36`, `16` (PostgreSQL): what online DDL the target has. */
  serverVersion?: string;
  strategy?: Strategy;
  confirmDestructive?: boolean;
  /** Asks the human before destructive steps are generated (MCP elicitation); false means no. */
  confirm?: (question: { message: string; label: string; description: string }) => Promise<boolean>;
  dryRun?: boolean;
  shadowUrl?: string;
  executeProjectCode?: ProjectCodeConsent;
  rowsPerTable?: number;
  /** A long-lived caller (the MCP server) keeps a warm PGlite ready between rehearsals. */
  keepWarm?: boolean;
  batchSize?: number;
  lockTimeoutMs?: number;
  now?: Date;
  signal?: AbortSignal;
  onProgress?: (done: number, total: number, message: string) => void;
}

export type GenerateRisk = 'LOW' | 'MEDIUM' | 'HIGH';

export interface GenerateResult {
  format: string;
  folder: string;
  engine: string;
  written: boolean;
  /** Why nothing was written, when nothing was. */
  notWrittenBecause?: string;
  files: GeneratedFile[];
  drafts: {
    name: string;
    files: string[];
    transactional: boolean;
    phase?: MigrationDraft['phase'];
    applicationChange?: string;
    up: string[];
    down: string[];
  }[];
  risk: GenerateRisk;
  riskReasons: string[];
  validation: DraftValidation[];
  rehearsal: DraftRehearsal[];
  withheld: WithheldChange[];
  notes: string[];
}

const WRITERS: Record<string, DdlWriter> = {
  postgresql: postgresDdlWriter,
  cockroachdb: postgresDdlWriter,
  mysql: mysqlDdlWriter,
  mariadb: mysqlDdlWriter,
  sqlite: sqliteDdlWriter,
};

function engineOfPackage(pkg: PackageSetup | undefined): Engine | undefined {
  const name = pkg?.engine?.name;
  return name && name in WRITERS ? (name as Engine) : undefined;
}

function riskOf(result: Pick<GenerateResult, 'withheld' | 'validation' | 'rehearsal' | 'drafts'>): {
  risk: GenerateRisk;
  reasons: string[];
} {
  const reasons: string[] = [];
  if (result.withheld.length)
    reasons.push(`${result.withheld.length} destructive step(s) withheld: they need confirmDestructive`);
  const failed = result.rehearsal.filter((item) => item.outcome === 'failed');
  if (failed.length) reasons.push(`rehearsal failed: ${failed.map((item) => item.draft).join(', ')}`);
  const high = result.validation.filter((item) => item.risk === 'HIGH');
  if (high.length) reasons.push(`validate_safety rates ${high.map((item) => item.draft).join(', ')} HIGH`);
  if (reasons.length) return { risk: 'HIGH', reasons };
  const medium = result.validation.filter((item) => item.risk === 'MEDIUM');
  if (medium.length) reasons.push(`validate_safety rates ${medium.map((item) => item.draft).join(', ')} MEDIUM`);
  const phased = result.drafts.filter((item) => item.applicationChange);
  if (phased.length) reasons.push(`${phased.length} phase(s) need an application change before they run`);
  return { risk: reasons.length ? 'MEDIUM' : 'LOW', reasons };
}

export async function generateMigration(request: GenerateRequest): Promise<GenerateResult> {
  const root = resolveProjectRoot(request.root);
  const hasChanges = (request.changes?.length ?? 0) > 0;
  if (!hasChanges && request.from === undefined && request.to === undefined)
    throw new UserError(
      'nothing-to-generate',
      'generate_migration needs the change: an explicit change list, or from / to schema sources.',
      'Pass changes: [{ op: "add_column", table: "orders", column: { name: "status", type: "text" } }], or from / to as diff_schema takes them (e.g. to: "sql:db/schema.sql").',
    );
  if (hasChanges && (request.from !== undefined || request.to !== undefined))
    throw new UserError(
      'changes-and-diff',
      'Both a change list and from / to sources were given.',
      'Pass either changes or from / to, not both.',
    );
  const notes: string[] = [];
  // Code migrations and a Drizzle schema on either side of a diff: one question, one answer.
  const consent = askOnce(request.executeProjectCode);
  const progress = (done: number, message: string) => request.onProgress?.(done, 5, message);
  progress(0, 'locating the migration folder');
  const located = locateFolder(root, request.folder, request.format);
  const projectEngine = request.engine ?? engineOfPackage(located.pkg);
  progress(1, 'reading the existing migrations');
  const existing = await existingMigrations(
    root,
    located,
    projectEngine,
    request.executeProjectCode !== undefined ? { ...request, executeProjectCode: consent } : request,
    notes,
  );
  const engine: Engine = projectEngine ?? existing.engine ?? 'postgresql';
  const writer = WRITERS[engine];
  if (!writer)
    throw new UserError(
      'engine-not-supported',
      `generate_migration writes SQL for PostgreSQL, MySQL/MariaDB and SQLite; this project's engine is ${engine}.`,
      'Pass engine (CLI --engine) when the project does not say it.',
    );
  const shadowEngine = shadowEngineFor(engine);
  const history = existing.migrations ?? [];
  progress(2, 'reading the current schema');
  const current = await readCurrentSchema(shadowEngine, history, {
    ...(request.shadowUrl ? { shadowUrl: request.shadowUrl } : {}),
    ...(request.signal ? { signal: request.signal } : {}),
  });
  // The target server's version, from the caller or detect_setup: the shadow's is no proof of production's.
  const version: ServerVersion | undefined =
    (request.serverVersion ? parseServerVersion(request.serverVersion, engine) : undefined) ??
    (located.pkg?.engine?.version
      ? parseServerVersion(located.pkg.engine.version, located.pkg.engine.name)
      : undefined);
  if (!version && engine === 'mysql' && hasChanges) notes.push(unknownMysqlVersionNote(current.version));

  const plan = async (confirmDestructive: boolean): Promise<Plan> =>
    hasChanges
      ? planChanges(request.changes ?? [], current.schema, writer, {
          ...(request.strategy ? { strategy: request.strategy } : {}),
          confirmDestructive,
          ...(request.name ? { name: request.name } : {}),
          ...(version ? { version } : {}),
          ...(request.lockTimeoutMs ? { lockTimeoutMs: request.lockTimeoutMs } : {}),
          ...(request.batchSize ? { batchSize: request.batchSize } : {}),
        })
      : planFromDiff(
          {
            root,
            ...(request.from !== undefined ? { from: request.from } : {}),
            ...(request.to !== undefined ? { to: request.to } : {}),
            ...(request.file ? { file: request.file } : {}),
            engine,
            ...(request.renames ? { renames: request.renames } : {}),
            ...(request.shadowUrl ? { shadowUrl: request.shadowUrl } : {}),
            ...(request.executeProjectCode !== undefined ? { executeProjectCode: consent } : {}),
            ...(request.signal ? { signal: request.signal } : {}),
            ...(request.name ? { name: request.name } : {}),
            confirmDestructive,
            ...(request.lockTimeoutMs ? { lockTimeoutMs: request.lockTimeoutMs } : {}),
            existing: (table: string) => current.schema.tables.some((item) => item.name === table && !item.namespace),
          },
          writer,
        );
  let planned = await plan(request.confirmDestructive === true);
  if (planned.withheld.length && !request.confirmDestructive && request.confirm) {
    const yes = await request.confirm({
      message: `Generate migrations that destroy data? ${planned.withheld.map((item) => `${item.migration}: ${item.drops}`).join('; ')}`,
      label: 'Generate destructive steps',
      description: 'Yes writes the steps that drop these objects; no leaves them out.',
    });
    if (yes) planned = await plan(true);
  }
  notes.push(...planned.notes);
  const now = request.now ?? new Date();
  // Drizzle keeps a snapshot of the schema beside each migration: the shadow says what it is after each draft.
  const schemasAfter =
    located.module.tool === 'drizzle' && planned.drafts.length
      ? await schemasAfterDrafts(shadowEngine, history, planned.drafts, {
          ...(request.shadowUrl ? { shadowUrl: request.shadowUrl } : {}),
          ...(request.signal ? { signal: request.signal } : {}),
        })
      : [];
  // Writers that restyle PostgreSQL (Prisma's) check each statement still parses to the same tree.
  if (engine === 'postgresql') await loadPostgresParser();
  const { files, perDraft } = sayDrafts(root, located, planned.drafts, now, schemasAfter);
  const withFiles = planned.drafts.map((draft, index) => ({
    draft,
    file: perDraft[index]?.[0] ?? `${draft.name}.sql`,
  }));
  progress(3, 'validating the drafts');
  const validation = await validateDrafts(withFiles, history, shadowEngine);
  progress(4, 'rehearsing the drafts on a shadow');
  const rehearsal = await rehearseDrafts(withFiles, history, shadowEngine, {
    ...(request.shadowUrl ? { shadowUrl: request.shadowUrl } : {}),
    ...(request.rowsPerTable !== undefined ? { rowsPerTable: request.rowsPerTable } : {}),
    ...(request.signal ? { signal: request.signal } : {}),
    ...(request.keepWarm ? { keepWarm: true } : {}),
  });
  const drafts = planned.drafts.map((draft, index) => ({
    name: draft.name,
    files: perDraft[index] ?? [],
    transactional: draft.transactional,
    ...(draft.phase ? { phase: draft.phase } : {}),
    ...(draft.applicationChange ? { applicationChange: draft.applicationChange } : {}),
    up: draft.up,
    down: draft.down,
  }));
  const { risk, reasons } = riskOf({ withheld: planned.withheld, validation, rehearsal, drafts });
  const proven = rehearsal.length === planned.drafts.length && rehearsal.every((item) => item.outcome === 'passed');
  let notWrittenBecause: string | undefined;
  if (planned.drafts.length === 0) notWrittenBecause = 'there is nothing to write';
  else if (request.dryRun) notWrittenBecause = 'dryRun';
  else if (!proven)
    notWrittenBecause = rehearsal.some((item) => item.outcome === 'skipped')
      ? 'the rehearsal could not run (see rehearsal)'
      : 'the rehearsal failed (see rehearsal)';
  if (!notWrittenBecause) {
    progress(5, 'writing the files');
    await writeFiles(root, files);
  }
  return {
    format: located.module.tool,
    folder: located.scan.dir.path,
    engine,
    written: notWrittenBecause === undefined,
    ...(notWrittenBecause ? { notWrittenBecause } : {}),
    files,
    drafts,
    risk,
    riskReasons: reasons,
    validation,
    rehearsal,
    withheld: planned.withheld,
    notes,
  };
}

function unknownMysqlVersionNote(shadow: ServerVersion | undefined): string {
  const seen = shadow ? ` (the shadow runs ${shadow.flavor} ${shadow.major}.${shadow.minor}.${shadow.patch})` : '';
  return `Target server version unknown: no ALGORITHM=INSTANT or ALGORITHM=INPLACE, LOCK=NONE was asked for, so the server picks and may copy the table. Pass serverVersion${seen} to get them where it supports them.`;
}
