import path from 'node:path';
import { UserError } from '../../errors.js';
import type { Engine, Migration } from '../../model.js';
import { ownFilesNamed, type PackageContext } from '../../project/context.js';
import { baseOf, dirOf, joinRelative } from '../../project/walk.js';
import { relativeToRoot } from '../../root.js';
import { type Bookkeeping, recordsUpTo } from '../bookkeeping.js';
import { listEntries, readError, readText, selected } from '../files.js';
import { splitStatements, withCompiledSql } from '../statements.js';
import type { FormatRead, FormatReader, MigrationScan } from '../types.js';
import { writeAlembic } from './alembic-write.js';
import { pythonAssignment, pythonSandboxNotes, requirePythonModule, runPython } from './python.js';
import { entry, filesOf, finish, pythonBody, readIndexed, topologicalOrder } from './scan-common.js';

interface Revision {
  id: string;
  parents: string[];
  absolute: string;
  message: string;
  upgradeLine: number;
  downgradeLine?: number;
  /** False when upgrade() runs its work in `autocommit_block()` (CREATE INDEX CONCURRENTLY and the like). */
  transactional: boolean;
}

async function _scriptLocation(root: string): Promise<string | undefined> {
  const ini = await readText(path.join(root, 'alembic.ini'));
  const location = ini ? /^script_location\s*=\s*(.+)$/m.exec(ini)?.[1]?.trim() : undefined;
  return location ? path.resolve(root, location.replace('%(here)s', root)) : undefined;
}

const TRANSACTION = 'all pending migrations in one transaction (transaction_per_migration = False, the default)';
const REVISION_FILE = /^(?!__init__).+\.py$/;

/** `<script_location>/versions` from alembic.ini (default `alembic/versions`), and `versions` folders of revisions. */
function scanAlembic(context: PackageContext): MigrationScan[] {
  const dirs = new Set<string>();
  const ini = ownFilesNamed(context, /^alembic\.ini$/)[0];
  if (ini || context.tools.has('alembic')) {
    const location = ini ? /^script_location\s*=\s*(.+)$/m.exec(readIndexed(context, ini))?.[1]?.trim() : undefined;
    const scriptDir = joinRelative(
      ini ? dirOf(ini) : context.dir,
      (location ?? 'alembic').replace(/^%\(here\)s\/?/, '').replace(/^\.\//, ''),
    );
    dirs.add(joinRelative(scriptDir, 'versions'));
  }
  for (const dir of context.ownDirs) {
    // versions/, or one folder of revisions per engine below it (prefect: versions/postgresql, versions/sqlite).
    if (!(baseOf(dir) === 'versions' || baseOf(dirOf(dir)) === 'versions') || dirs.has(dir)) continue;
    const revisions = filesOf(context, dir, REVISION_FILE).slice(0, 20);
    if (revisions.some((file) => /^down_revision\s*(?::[^=\n]+)?=/m.test(readIndexed(context, file)))) dirs.add(dir);
  }
  return [...dirs]
    .filter((dir) => context.files.dirs.has(dir))
    .sort()
    .map((dir) => {
      const nodes = filesOf(context, dir, REVISION_FILE).map((file) => {
        const text = readIndexed(context, file);
        const revision =
          /^revision\s*(?::[^=]+)?=\s*['"]([^'"]+)['"]/m.exec(text)?.[1] ?? baseOf(file).replace(/\.py$/, '');
        const downLine = /^down_revision\s*(?::[^=]+)?=\s*(.+)$/m.exec(text)?.[1] ?? 'None';
        const parents = [...downLine.matchAll(/['"]([^'"]+)['"]/g)].map((match) => match[1]!);
        const message = /^"""(.*)$/m.exec(text)?.[1]?.trim();
        const name = baseOf(file)
          .replace(/\.py$/, '')
          .replace(new RegExp(`^${revision}_`), '');
        const hasDown = pythonBody(text, 'downgrade') !== '';
        return { parents, migration: entry('alembic', file, revision, message || name, hasDown, true) };
      });
      const ordered = topologicalOrder(
        nodes,
        (node) => node.migration.id,
        (node) => node.parents,
      ).map((node) => node.migration);
      return finish('alembic', TRANSACTION, dir, ordered, context);
    });
}

/** alembic/runtime/migration.py: alembic_version (version_num VARCHAR(32) PRIMARY KEY), one row per head reached. */
const alembicBookkeeping: Bookkeeping = {
  table: 'alembic_version',
  ownTables: ['alembic_version'],
  records: (rows, local) =>
    rows.flatMap((row) => recordsUpTo(String(row.version_num), local, (migration) => migration.id)),
  keyOf: (migration) => migration.id,
};

/**
 * Alembic: revision files in `<script_location>/versions`, ordered by the revision graph (down_revision links,
 * read from the files without Python). The SQL comes from `alembic upgrade <from>:<to> --sql` (offline mode),
 * which needs alembic importable by the project's Python and runs its env.py: only with executeProjectCode.
 */
export const alembic: FormatReader = {
  format: 'alembic',
  priority: 7,
  codeMigrations: true,
  runsPythonCode: true,
  tool: 'alembic',
  label: 'Alembic',
  bookkeeping: alembicBookkeeping,
  scan: scanAlembic,
  write: writeAlembic,
  async read(context) {
    const { files } = await listEntries(context.directory);
    const result: FormatRead = { migrations: [], errors: [], ...pythonSandboxNotes(context.executeProjectCode) };
    const revisions: Revision[] = [];
    for (const file of files.filter((name) => name.endsWith('.py') && name !== '__init__.py')) {
      const absolute = path.join(context.directory, file);
      const relative = relativeToRoot(context.root, absolute);
      const text = (await readText(absolute)) ?? '';
      const revision = pythonAssignment(text, 'revision');
      const down = pythonAssignment(text, 'down_revision');
      if (!revision || typeof revision.value !== 'string' || !down) {
        result.errors.push(
          readError(
            relative,
            new UserError(
              'alembic-revision-missing',
              `${relative} has no \`revision = '…'\` and \`down_revision = …\` lines, so its place in the revision graph is unknown.`,
              'Keep the revision identifiers alembic generated at the top of the file.',
              { file: relative, line: 1, column: 1 },
            ),
          ),
        );
        continue;
      }
      const parents = down.value === null ? [] : Array.isArray(down.value) ? down.value : [down.value];
      const lineOf = (name: string) => {
        const index = text.search(new RegExp(`^def ${name}\\(`, 'm'));
        return index === -1 ? undefined : text.slice(0, index).split('\n').length;
      };
      const message = /^"""(.+)$/m.exec(text)?.[1]?.trim() ?? file.replace(/\.py$/, '');
      revisions.push({
        id: revision.value,
        parents,
        absolute,
        message,
        upgradeLine: lineOf('upgrade') ?? 1,
        transactional: !/\.autocommit_block\(\)/.test(text),
        ...(lineOf('downgrade') ? { downgradeLine: lineOf('downgrade') } : {}),
      });
    }
    const ordered = orderRevisions(revisions, context.directory, context.root, result);
    const chosen = ordered.filter((revision) => selected(context.only, revision.absolute));
    let python: string | undefined;
    for (const revision of chosen) {
      const relative = relativeToRoot(context.root, revision.absolute);
      if (!context.executeProjectCode) {
        result.migrations.push(listed(revision, relative));
        continue;
      }
      try {
        python ??= await requirePythonModule(context.package, 'alembic', relative, context.timeoutMs, context.signal);
        const from = revision.parents.length === 0 ? 'base' : revision.parents.join('+');
        const upSql = await runPython(
          python,
          ['-m', 'alembic', 'upgrade', `${from}:${revision.id}`, '--sql'],
          context.package,
          context.timeoutMs,
          relative,
          context.signal,
        );
        const downSql = await runPython(
          python,
          ['-m', 'alembic', 'downgrade', `${revision.id}:${revision.parents[0] ?? 'base'}`, '--sql'],
          context.package,
          context.timeoutMs,
          relative,
          context.signal,
        );
        const origin = (line: number) => ({ file: relative, line });
        const up = (
          await splitStatements(
            unescapedPercents(upSql, context.engine),
            context.engine,
            `${relative} (alembic upgrade --sql)`,
          )
        ).map((statement) => ({ ...statement, origin: origin(revision.upgradeLine) }));
        const down = (
          await splitStatements(
            unescapedPercents(downSql, context.engine),
            context.engine,
            `${relative} (alembic downgrade --sql)`,
          )
        ).map((statement) => ({ ...statement, origin: origin(revision.downgradeLine ?? 1) }));
        result.migrations.push(
          withCompiledSql(listed(revision, relative), {
            up,
            down,
            notes: [
              'SQL from `alembic upgrade/downgrade --sql` (offline mode), including the alembic_version bookkeeping.',
            ],
          }),
        );
      } catch (error) {
        result.errors.push(readError(relative, error));
      }
    }
    return result;
  },
};

/**
 * Offline SQL of a pyformat driver (psycopg2, mysqlclient, PyMySQL) prints each `%` of op.execute's text doubled, as
 * it would hand it to the driver, which turns `%%` back into `%` when it runs the statement: the SQL that reaches the
 * server has single ones (a PL/pgSQL `RAISE NOTICE '% rows'` otherwise counts two placeholders).
 */
function unescapedPercents(sql: string, engine: Engine | undefined): string {
  return engine === 'postgresql' || engine === 'mysql' || engine === 'mariadb' ? sql.replaceAll('%%', '%') : sql;
}

function listed(revision: Revision, relative: string): Migration {
  return {
    id: revision.id,
    name: revision.message,
    path: relative,
    format: 'alembic',
    up: [],
    transactional: revision.transactional,
    compiled: false,
    notes: [
      "Not compiled: the SQL comes from `alembic upgrade --sql`, which runs the project's env.py; pass executeProjectCode: true (CLI --execute).",
    ],
  };
}

/** Parents before children; among revisions ready at the same time, file-name order. Cycles and dangling parents are errors. */
function orderRevisions(revisions: Revision[], directory: string, root: string, result: FormatRead): Revision[] {
  const byId = new Map(revisions.map((revision) => [revision.id, revision]));
  const ordered: Revision[] = [];
  const done = new Set<string>();
  const pending = [...revisions].sort((a, b) => a.absolute.localeCompare(b.absolute));
  for (const revision of pending) {
    for (const parent of revision.parents) {
      if (!byId.has(parent)) {
        const relative = relativeToRoot(root, revision.absolute);
        result.errors.push(
          readError(
            relative,
            new UserError(
              'alembic-unknown-parent',
              `${relative} has down_revision '${parent}', which no file in ${relativeToRoot(root, directory)} defines.`,
              'Restore the missing revision file or correct down_revision.',
              { file: relative },
            ),
          ),
        );
      }
    }
  }
  let progress = true;
  while (progress) {
    progress = false;
    for (const revision of pending) {
      if (done.has(revision.id)) continue;
      if (revision.parents.every((parent) => done.has(parent) || !byId.has(parent))) {
        ordered.push(revision);
        done.add(revision.id);
        progress = true;
      }
    }
  }
  for (const revision of pending.filter((candidate) => !done.has(candidate.id))) {
    const relative = relativeToRoot(root, revision.absolute);
    result.errors.push(
      readError(
        relative,
        new UserError(
          'alembic-cycle',
          `${relative} is part of a down_revision cycle.`,
          'Fix down_revision so the revisions form a graph from base.',
          { file: relative },
        ),
      ),
    );
  }
  return ordered;
}
