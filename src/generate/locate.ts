import { UserError } from '../errors.js';
import type { Engine, Migration } from '../model.js';
import { detectSetup } from '../project/detect.js';
import type { MigrationEntry, PackageSetup, ToolName } from '../project/types.js';
import { relativeToRoot, resolveInsideRoot } from '../root.js';
import { readMigrations } from '../sources/index.js';
import { FORMAT_MODULES, moduleForTool } from '../sources/registry.js';
import type { FormatModule, MigrationScan, ProjectCodeConsent } from '../sources/types.js';

/**
 * Where a generated migration goes: the migration folder detect_setup finds (or the one named, or a new plain .sql
 * folder), its format module, and the migrations already there (read with the format's own reader).
 */

export interface Located {
  scan: MigrationScan;
  module: FormatModule;
  pkg?: PackageSetup;
}

function writerNames(): string {
  return FORMAT_MODULES.filter((module) => module.write)
    .map((module) => module.tool)
    .join(', ');
}

export function locateFolder(root: string, folder: string | undefined, format: string | undefined): Located {
  const setup = detectSetup(root);
  const wanted = folder ? relativeToRoot(root, resolveInsideRoot(root, folder)) : undefined;
  const candidates = setup.packages.flatMap((pkg) =>
    pkg.migrationDirs
      .filter((dir) => !wanted || dir.path === wanted || wanted.startsWith(`${dir.path}/`))
      .filter((dir) => !format || dir.tool === format || dir.format === format)
      .map((dir) => ({ pkg, dir })),
  );
  if (candidates.length > 1)
    throw new UserError(
      'several-migration-folders',
      `The project has ${candidates.length} migration folders: ${candidates.map(({ dir }) => `${dir.path} (${dir.tool})`).join(', ')}.`,
      `Pass folder (CLI --folder) to choose one, e.g. ${candidates[0]?.dir.path}.`,
    );
  const [found] = candidates;
  if (!found) {
    if (!wanted || (format && format !== 'sql'))
      throw new UserError(
        'no-migration-folder',
        `No ${format ? `${format} ` : ''}migration folder was found in ${root}${wanted ? ` at ${wanted}` : ''}.`,
        'Pass folder (CLI --folder migrations) to start a plain .sql migration folder there, or create the first migration with your tool.',
      );
    const module = moduleForTool('sql' as ToolName);
    if (!module) throw new Error('the plain SQL format module is missing');
    return {
      module,
      scan: { dir: { path: wanted, tool: 'sql' as ToolName, count: 0, format: 'sql' }, migrations: [] },
    };
  }
  const module = moduleForTool(found.dir.tool);
  if (!module?.write)
    throw new UserError(
      'no-writer',
      `${found.dir.path} holds ${module?.label ?? found.dir.tool} migrations, and generate_migration has no writer for that format yet.`,
      `Formats with a writer: ${writerNames()}. Generate with dryRun and copy the SQL of the drafts into a migration, or use raw SQL migrations.`,
      { file: found.dir.path },
    );
  const under = (entry: MigrationEntry) => entry.path === found.dir.path || entry.path.startsWith(`${found.dir.path}/`);
  const conventions = found.pkg.conventions.find((item) => item.tool === found.dir.tool);
  return {
    module,
    pkg: found.pkg,
    scan: {
      dir: found.dir,
      migrations: found.pkg.migrations.filter((entry) => entry.tool === found.dir.tool && under(entry)),
      ...(conventions ? { conventions } : {}),
    },
  };
}

export async function existingMigrations(
  root: string,
  located: Located,
  engine: Engine | undefined,
  request: { signal?: AbortSignal; executeProjectCode?: ProjectCodeConsent },
  notes: string[],
): Promise<{ migrations: Migration[]; engine?: Engine }> {
  const read = () =>
    readMigrations(root, {
      path: located.scan.dir.path,
      ...(engine ? { engine } : {}),
      ...(request.signal ? { signal: request.signal } : {}),
      ...(request.executeProjectCode !== undefined ? { executeProjectCode: request.executeProjectCode } : {}),
    });
  // detect_setup lists no entries for some formats (a Sqitch plan's changes): the reader is asked all the same, and
  // only a folder it finds nothing in means an empty history.
  const result =
    located.scan.migrations.length > 0
      ? await read()
      : await read().catch((error: unknown) => {
          if (error instanceof UserError) return undefined;
          throw error;
        });
  if (!result) return { migrations: [] };
  const compiled = result.migrations.filter((migration) => migration.compiled !== false);
  if (compiled.length < result.migrations.length)
    notes.push(
      `${result.migrations.length - compiled.length} existing migration(s) are code that was not run (pass executeProjectCode to replay them): the current schema lacks what they create.`,
    );
  // A migration left out would make the replayed schema wrong, and the replay then fails on a later migration with
  // an error that hides the cause: name the unreadable one instead.
  // A file read in part (a Liquibase <insert> or a dynamic addSql() left out) still shapes the schema and is
  // replayed; what was left out of it is said in a note.
  const readPaths = new Set(result.migrations.map((migration) => migration.path));
  for (const partial of result.errors.filter((error) => readPaths.has(error.path)))
    notes.push(`${partial.path}: ${partial.error.what} The replayed schema lacks what that part creates.`);
  const unreadable = result.errors.find((error) => !readPaths.has(error.path));
  if (unreadable)
    throw new UserError(
      'migration-unreadable',
      `${unreadable.path} could not be read, so the schema the new migration meets is unknown: ${unreadable.error.what}`,
      unreadable.error.fix,
      { file: unreadable.path },
    );
  return { migrations: compiled, ...(result.engine ? { engine: result.engine } : {}) };
}
