import { z } from 'zod';
import { MIGRATION_FORMATS } from '../src/model.js';
import { defineTool } from './define.js';

const ENGINES = ['postgresql', 'mysql', 'mariadb', 'sqlite', 'mssql', 'cockroachdb'] as const;

const location = z.object({
  file: z.string().optional(),
  line: z.number().int().optional(),
  column: z.number().int().optional(),
});

export const listMigrationsTool = defineTool({
  name: 'list_migrations',
  title: 'List migrations with their SQL',
  description:
    "Use to see what a project's migrations do, in the order its tool applies them (golang-migrate, dbmate, goose, " +
    'sql-migrate, Flyway, Diesel, plain SQL folders, Prisma, Drizzle, knex, TypeORM, Sequelize, Alembic, Django). ' +
    'Returns each migration (id, name, path, transactional, whether it has a down, statement counts, the first line of ' +
    'its first up and down statements with the source line that produced each) and per-file problems with file:line:col. SQL formats ' +
    'are read as files. knex/TypeORM/Sequelize/Alembic/Django migrations are code: they are only listed unless ' +
    'executeProjectCode is true, which runs them (10 s limit per file) against recorders, never a database.',
  inputSchema: z.object({
    projectRoot: z.string().optional().describe('Project folder; defaults to the client root or working directory'),
    path: z.string().optional().describe('One migration file or folder inside the project, to narrow the listing'),
    format: z.enum(MIGRATION_FORMATS).optional().describe('Force the migration format instead of detecting it'),
    engine: z.enum(ENGINES).optional().describe('Database engine for splitting SQL and compiling code migrations'),
    executeProjectCode: z
      .boolean()
      .default(false)
      .describe('Run JS/TS/Python migrations to record their SQL (runs project code; default false)'),
    timeoutMs: z
      .number()
      .int()
      .positive()
      .max(120_000)
      .optional()
      .describe('Time limit per code migration (default 10000)'),
  }),
  outputSchema: z.object({
    format: z.enum(MIGRATION_FORMATS),
    directory: z.string(),
    engine: z.string().optional(),
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
  }),
  annotations: { readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: false },
  async handler(input, context) {
    // The engine loads on first use, so the server starts fast (cold start is measured in bench/).
    const [{ readMigrations }, { listMigrations, summarizeMigrations }] = await Promise.all([
      import('../src/sources/index.js'),
      import('../src/sources/summary.js'),
    ]);
    const root = await context.resolveRoot(input.projectRoot);
    const result = await readMigrations(root, {
      ...(input.path ? { path: input.path } : {}),
      ...(input.format ? { format: input.format } : {}),
      ...(input.engine ? { engine: input.engine } : {}),
      executeProjectCode: input.executeProjectCode,
      ...(input.timeoutMs ? { timeoutMs: input.timeoutMs } : {}),
      signal: context.signal,
    });
    return {
      structured: {
        format: result.format,
        directory: result.directory,
        ...(result.engine ? { engine: result.engine } : {}),
        migrations: listMigrations(result),
        errors: result.errors.map((error) => ({ path: error.path, ...error.error })),
      },
      text: summarizeMigrations(result),
    };
  },
});
