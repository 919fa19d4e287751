import { z } from 'zod';
import { MIGRATION_FORMATS } from '../src/model.js';
import { TOOL_NAMES } from '../src/project/types.js';
import { projectCodeConsent } from './consent.js';
import { defineTool } from './define.js';
import { executeProjectCodeField, projectRootField } from './fields.js';

const ENGINES = ['postgresql', 'mysql', 'mariadb', 'sqlite', 'mssql', 'cockroachdb'] as const;

const location = z.object({
  file: z.string().optional(),
  line: z.number().int().optional(),
  column: z.number().int().optional(),
});

export const listMigrationsTool = defineTool({
  name: 'list_migrations',
  title: 'List migrations',
  description:
    "The project's migrations in apply order: id, name, format, down, statements with source lines, problems, folders not read.",
  inputSchema: z.object({
    projectRoot: projectRootField,
    path: z.string().optional().describe('Package, folder or migration'),
    format: z.enum(MIGRATION_FORMATS).optional(),
    engine: z.enum(ENGINES).optional(),
    executeProjectCode: executeProjectCodeField,
    timeoutMs: z.number().int().positive().max(120_000).optional(),
  }),
  outputSchema: z.object({
    format: z.enum(MIGRATION_FORMATS).optional().describe('When exactly one folder was read'),
    directory: z.string().optional().describe('When exactly one folder was read'),
    engine: z.string().optional(),
    folders: z.array(
      z.object({
        package: z.string().describe("Package folder relative to the project root ('.' for the root)"),
        format: z.enum(MIGRATION_FORMATS),
        directory: z.string(),
        engine: z.string().optional(),
        migrations: z.number().int(),
        errors: z.number().int(),
      }),
    ),
    migrations: z.array(
      z.object({
        id: z.string(),
        name: z.string(),
        path: z.string(),
        format: z.enum(MIGRATION_FORMATS),
        transactional: z.boolean(),
        hasDown: z.boolean(),
        compiled: z
          .boolean()
          .describe('False when the SQL was not produced (code migration without executeProjectCode)'),
        upStatements: z.number().int(),
        downStatements: z.number().int(),
        summary: z.array(z.string()).describe('"L<source line>: <first line of statement>" for the first statements'),
        downSummary: z.array(z.string()).describe('The same for the first statements of the down migration'),
        notes: z.array(z.string()),
      }),
    ),
    errors: z.array(
      z.object({ path: z.string(), code: z.string(), what: z.string(), fix: z.string(), where: location.optional() }),
    ),
    unread: z
      .array(
        z.object({
          package: z.string(),
          directory: z.string(),
          tool: z.enum(TOOL_NAMES).optional(),
          count: z.number().int(),
          code: z.string(),
          what: z.string(),
          fix: z.string(),
        }),
      )
      .describe('Migration folders found but not read: nothing in them was listed or checked'),
    warnings: z
      .array(z.string())
      .optional()
      .describe('Parts of the project the walk skipped (capped at maxFiles, unreadable): folders there were not seen'),
    notes: z
      .array(z.string())
      .optional()
      .describe(
        'Facts about a folder as a whole, each headed by its folder (other dialects present, the engine assumed)',
      ),
  }),
  annotations: { readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: false },
  async handler(input, context) {
    // The engine loads on first use, so the server starts fast (cold start is measured in bench/).
    const [{ readProjectMigrations }, { listMigrations, summarizeProject }] = await Promise.all([
      import('../src/sources/index.js'),
      import('../src/sources/summary.js'),
    ]);
    const root = await context.resolveRoot(input.projectRoot);
    const result = await readProjectMigrations(root, {
      ...(input.path ? { path: input.path } : {}),
      ...(input.format ? { format: input.format } : {}),
      ...(input.engine ? { engine: input.engine } : {}),
      executeProjectCode: projectCodeConsent(input.executeProjectCode, context),
      ...(input.timeoutMs ? { timeoutMs: input.timeoutMs } : {}),
      signal: context.signal,
    });
    const [single] = result.folders.length === 1 ? result.folders : [];
    const engines = new Set(result.folders.flatMap((folder) => (folder.engine ? [folder.engine] : [])));
    const folderNotes = result.folders.flatMap((folder) =>
      (folder.notes ?? []).map((note) => `${folder.directory}: ${note}`),
    );
    return {
      structured: {
        ...(single ? { format: single.format, directory: single.directory } : {}),
        ...(engines.size === 1 ? { engine: [...engines][0] } : {}),
        folders: result.folders.map((folder) => ({
          package: folder.package,
          format: folder.format,
          directory: folder.directory,
          ...(folder.engine ? { engine: folder.engine } : {}),
          migrations: folder.migrations.length,
          errors: folder.errors.length,
        })),
        migrations: result.folders.flatMap((folder) => listMigrations(folder)),
        errors: result.folders.flatMap((folder) =>
          folder.errors.map((error) => ({ path: error.path, ...error.error })),
        ),
        unread: result.unread,
        ...(result.warnings.length ? { warnings: result.warnings } : {}),
        ...(folderNotes.length ? { notes: folderNotes } : {}),
      },
      text: summarizeProject(result),
    };
  },
});
