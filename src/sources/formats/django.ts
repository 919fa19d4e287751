import path from 'node:path';
import { UserError } from '../../errors.js';
import type { Migration } from '../../model.js';
import type { PackageContext } from '../../project/context.js';
import { baseOf, dirOf } from '../../project/walk.js';
import { relativeToRoot } from '../../root.js';
import type { Bookkeeping } from '../bookkeeping.js';
import { isDirectory, isFile, listEntries, readError, readText, selected } from '../files.js';
import { splitStatements, withCompiledSql } from '../statements.js';
import type { FormatRead, FormatReader, MigrationScan } from '../types.js';
import { writeDjango } from './django-write.js';
import { pythonSandboxNotes, requirePythonModule, runPython } from './python.js';
import { entry, filesOf, finish, readIndexed, topologicalOrder } from './scan-common.js';

interface DjangoMigration {
  app: string;
  name: string;
  absolute: string;
  dependencies: string[];
  atomic: boolean;
}

const MIGRATION_FILE = /^\d{4}_\w+\.py$/;

/** `<app>/migrations` folders (one or two levels below the root) holding Django migration modules. */
async function appMigrationFolders(root: string): Promise<string[]> {
  const found: string[] = [];
  const visit = async (folder: string, depth: number) => {
    const { folders } = await listEntries(folder);
    for (const name of folders) {
      if (name.startsWith('.') || name === 'node_modules' || name === 'venv' || name === '.venv') continue;
      const child = path.join(folder, name);
      if (name === 'migrations' && (await isFile(path.join(child, '__init__.py')))) found.push(child);
      else if (depth < 2) await visit(child, depth + 1);
    }
  };
  await visit(root, 0);
  return found.sort();
}

const TRANSACTION = 'per migration (atomic = True, the default; opt out with atomic = False)';

/** Every `<app>/migrations` package (with __init__.py) holding `NNNN_name.py` modules, in dependency order. */
function scanDjango(context: PackageContext): MigrationScan[] {
  const dirs = context.ownDirs.filter(
    (dir) =>
      baseOf(dir) === 'migrations' &&
      context.files.filesIn(dir).includes('__init__.py') &&
      (context.tools.has('django') || filesOf(context, dir, MIGRATION_FILE).length > 0),
  );
  return dirs.map((dir) => {
    const app = baseOf(dirOf(dir));
    const nodes = filesOf(context, dir, MIGRATION_FILE).map((file) => {
      const text = readIndexed(context, file);
      const id = baseOf(file).replace(/\.py$/, '');
      const dependencies = [...text.matchAll(/\(\s*['"](\w+)['"]\s*,\s*['"](\w+)['"]\s*\)/g)]
        .filter((match) => match[1] === app)
        .map((match) => match[2]!);
      const irreversible =
        (/RunPython\(/.test(text) && !/reverse_code|RunPython\(\s*[\w.]+\s*,\s*[\w.]+/.test(text)) ||
        (/RunSQL\(/.test(text) && !/reverse_sql/.test(text));
      const atomic = !/^\s*atomic\s*=\s*False/m.test(text);
      return {
        dependencies,
        migration: entry('django', file, `${app}.${id}`, id.replace(/^\d{4}_/, ''), !irreversible, atomic),
      };
    });
    const ordered = topologicalOrder(
      nodes,
      (node) => node.migration.id,
      (node) => node.dependencies.map((dependency) => `${app}.${dependency}`),
    ).map((node) => node.migration);
    return finish('django', TRANSACTION, dir, ordered, context);
  });
}

/** django/db/migrations/recorder.py: django_migrations (id, app, name, applied). */
const djangoBookkeeping: Bookkeeping = {
  table: 'django_migrations',
  ownTables: ['django_migrations'],
  // Rows of installed apps the project does not hold (django.contrib.auth …) are not the project's to report.
  records: (rows, local) => {
    const apps = new Set(local.map(appOf));
    return rows
      .filter((row) => apps.has(String(row.app)))
      .map((row) => {
        const key = `${String(row.app)}.${String(row.name)}`;
        return { key, label: key, state: 'applied' as const };
      });
  },
  keyOf: (migration) => migration.id,
  sequenceOf: appOf,
};

/** `accounts` for the migration `accounts.0002_account_email`. */
function appOf(migration: Migration): string {
  return migration.id.slice(0, migration.id.lastIndexOf('.'));
}

/**
 * Django: `<app>/migrations/NNNN_name.py`, ordered by their `dependencies` across apps. The SQL comes from
 * `python manage.py sqlmigrate <app> <name>` (and `--backwards`), which loads the project's settings and needs
 * Django importable by the project's Python: only with executeProjectCode.
 */
export const django: FormatReader = {
  format: 'django',
  priority: 8,
  codeMigrations: true,
  runsPythonCode: true,
  tool: 'django',
  label: 'Django',
  bookkeeping: djangoBookkeeping,
  scan: scanDjango,
  write: writeDjango,
  async read(context) {
    const folders =
      context.directory === context.package ? await appMigrationFolders(context.package) : [context.directory];
    const result: FormatRead = { migrations: [], errors: [], ...pythonSandboxNotes(context.executeProjectCode) };
    const migrations: DjangoMigration[] = [];
    for (const folder of folders) {
      if (!(await isDirectory(folder))) continue;
      const app = path.basename(path.dirname(folder));
      const { files } = await listEntries(folder);
      for (const file of files.filter((name) => MIGRATION_FILE.test(name))) {
        const absolute = path.join(folder, file);
        const text = (await readText(absolute)) ?? '';
        const block = /dependencies\s*=\s*\[([\s\S]*?)\]/.exec(text)?.[1] ?? '';
        const dependencies = [...block.matchAll(/\(\s*["']([^"']+)["']\s*,\s*["']([^"']+)["']\s*\)/g)].map(
          (match) => `${match[1]}.${match[2]}`,
        );
        migrations.push({
          app,
          name: file.replace(/\.py$/, ''),
          absolute,
          dependencies,
          atomic: !/^\s*atomic\s*=\s*False\b/m.test(text),
        });
      }
    }
    const ordered = orderByDependencies(migrations);
    let python: string | undefined;
    for (const migration of ordered.filter((candidate) => selected(context.only, candidate.absolute))) {
      const relative = relativeToRoot(context.root, migration.absolute);
      const listed: Migration = {
        id: `${migration.app}.${migration.name}`,
        name: migration.name,
        path: relative,
        format: 'django',
        up: [],
        transactional: migration.atomic,
        compiled: false,
        notes: [
          "Not compiled: the SQL comes from `manage.py sqlmigrate`, which loads the project's settings; pass executeProjectCode: true (CLI --execute).",
        ],
      };
      if (!context.executeProjectCode) {
        result.migrations.push(listed);
        continue;
      }
      try {
        python ??= await requirePythonModule(context.package, 'django', relative, context.timeoutMs, context.signal);
        const manage = ['manage.py', 'sqlmigrate', migration.app, migration.name];
        const up = await runPython(python, manage, context.package, context.timeoutMs, relative, context.signal);
        const down = await runPython(
          python,
          [...manage, '--backwards'],
          context.package,
          context.timeoutMs,
          relative,
          context.signal,
        );
        const origin = { file: relative, line: 1 };
        result.migrations.push(
          withCompiledSql(listed, {
            up: (await splitStatements(up, context.engine, `${relative} (sqlmigrate)`)).map((statement) => ({
              ...statement,
              origin,
            })),
            down: (await splitStatements(down, context.engine, `${relative} (sqlmigrate --backwards)`)).map(
              (statement) => ({ ...statement, origin }),
            ),
            notes: ['SQL from `manage.py sqlmigrate` (and --backwards).'],
          }),
        );
      } catch (error) {
        result.errors.push(readError(relative, error));
      }
    }
    return result;
  },
};

function orderByDependencies(migrations: DjangoMigration[]): DjangoMigration[] {
  const pending = [...migrations].sort((a, b) => `${a.app}.${a.name}`.localeCompare(`${b.app}.${b.name}`));
  const known = new Set(pending.map((migration) => `${migration.app}.${migration.name}`));
  const done = new Set<string>();
  const ordered: DjangoMigration[] = [];
  let progress = true;
  while (progress) {
    progress = false;
    for (const migration of pending) {
      const key = `${migration.app}.${migration.name}`;
      if (done.has(key)) continue;
      // Dependencies outside the project (django.contrib apps, __first__) are already applied by Django itself.
      if (migration.dependencies.every((dependency) => done.has(dependency) || !known.has(dependency))) {
        ordered.push(migration);
        done.add(key);
        progress = true;
      }
    }
  }
  const stuck = pending.filter((migration) => !done.has(`${migration.app}.${migration.name}`));
  if (stuck.length > 0) {
    throw new UserError(
      'django-dependency-cycle',
      `Django migrations ${stuck.map((migration) => `${migration.app}.${migration.name}`).join(', ')} depend on each other in a cycle.`,
      'Fix the `dependencies` lists so they form a graph.',
      { file: stuck[0]?.absolute ?? '' },
    );
  }
  return ordered;
}
