import { z } from 'zod';
import { EXECUTE_PROJECT_CODE_DESCRIPTION, projectCodeConsent } from './consent.js';
import { defineTool } from './define.js';

const FORMATS = ['knex', 'prisma', 'sequelize', 'typeorm', 'drizzle', 'sql'] as const;
/** Rows of each table shown in the structured answer; the files hold them all. */
const SAMPLE_ROWS = 3;
/** A longer seed file is cut in the answer (agents pay per character); write: true or the CLI gives it whole. */
const MAX_FILE_CHARS = 20_000;

export const generateSeedTool = defineTool({
  name: 'generate_seed',
  title: 'Generate realistic seed rows for new tables, proven on a shadow',
  description:
    'Use after a migration adds tables, to give them realistic test data. Values fit each column (emails, names, ' +
    'prices as decimals within numeric(p,s), ordered timestamps, enum and CHECK values, varchar lengths), unique ' +
    'columns stay unique and foreign keys point at rows seeded first. Same seed → same rows. Every row is inserted ' +
    "into a throw-away shadow in one transaction before it is returned. Written in the project's seed format (knex " +
    'seed, prisma/seed.ts, Sequelize seeder, TypeORM / Drizzle script, SQL). Default tables: those new between from ' +
    "and to (diff_schema's sources). Returns the files; writes them only with write: true, never over a file.",
  inputSchema: z.object({
    projectRoot: z.string().optional().describe('Project folder; defaults to the client root or working directory'),
    tables: z.array(z.string()).optional().describe('Tables to seed; default the tables new between from and to'),
    from: z.string().optional().describe('Earlier schema for the default tables (diff_schema sources)'),
    to: z.string().optional().describe('Later schema for the default tables (diff_schema sources)'),
    schema: z
      .string()
      .optional()
      .describe(
        'Schema holding the tables: migrations[:<folder>] (default, or `to`) | sql:<file> | prisma:<file> | db:<url>',
      ),
    database: z
      .string()
      .optional()
      .describe(
        'db:<url> read read-only: referenced tables with rows there are pointed at, not seeded (default: schema if db:)',
      ),
    engine: z.enum(['postgresql', 'sqlite', 'mysql', 'mariadb']).optional().describe('Engine of SQL sources'),
    rows: z.number().int().min(1).max(1_000).optional().describe('Rows per table (default 10)'),
    seed: z.number().int().optional().describe('Seed value of the generator (default 1)'),
    format: z.enum(FORMATS).optional().describe("Seed format; default the project's tool (detect_setup), else sql"),
    name: z.string().optional().describe('File name of the seed, snake_case (default seed_<table>)'),
    shadowUrl: z
      .string()
      .optional()
      .describe('Server for the shadow (needed for MySQL); default PGlite / SQLite in memory'),
    executeProjectCode: z
      .boolean()
      .optional()
      .describe(
        `${EXECUTE_PROJECT_CODE_DESCRIPTION} Needed when the schema is replayed from knex/TypeORM/Sequelize migrations.`,
      ),
    write: z.boolean().optional().describe('Write the files into the project (default false: return them)'),
  }),
  outputSchema: z.object({
    format: z.enum(FORMATS),
    engine: z.string(),
    seed: z.number().int(),
    schema: z.string(),
    tables: z.array(
      z.object({
        name: z.string(),
        rows: z.number().int(),
        reason: z.enum(['requested', 'parent']),
        columns: z.array(z.string()),
        explicitIds: z.array(z.string()),
        sample: z.array(z.record(z.string(), z.unknown())).describe(`First ${SAMPLE_ROWS} rows`),
      }),
    ),
    provenRows: z.number().int().describe('Rows inserted into the shadow in one transaction'),
    shadow: z.string(),
    files: z.array(
      z.object({
        path: z.string(),
        text: z.string(),
        edit: z.boolean(),
        chars: z.number().int().describe('Length of the whole file'),
        truncated: z.boolean().describe(`text cut at ${MAX_FILE_CHARS} characters`),
      }),
    ),
    written: z.boolean(),
    run: z.string().describe('Command that runs the seed'),
    hints: z.array(z.string()),
    notes: z.array(z.string()),
  }),
  annotations: { readOnlyHint: false, destructiveHint: false, idempotentHint: false, openWorldHint: false },
  async handler(input, context) {
    const { generateSeed } = await import('../src/plan/seed/index.js');
    const root = await context.resolveRoot(input.projectRoot);
    const result = await generateSeed({
      root,
      ...(input.tables ? { tables: input.tables } : {}),
      ...(input.from ? { from: input.from } : {}),
      ...(input.to ? { to: input.to } : {}),
      ...(input.schema ? { schema: input.schema } : {}),
      ...(input.database ? { database: input.database } : {}),
      ...(input.engine ? { engine: input.engine } : {}),
      ...(input.rows ? { rows: input.rows } : {}),
      ...(input.seed !== undefined ? { seed: input.seed } : {}),
      ...(input.format ? { format: input.format } : {}),
      ...(input.name ? { name: input.name } : {}),
      ...(input.shadowUrl ? { shadowUrl: input.shadowUrl } : {}),
      ...(input.write ? { write: true } : {}),
      executeProjectCode: projectCodeConsent(input.executeProjectCode, context),
      signal: context.signal,
    });
    const { plan, ...rest } = result;
    const { renderSeedResult } = await import('../src/plan/seed/render.js');
    return {
      structured: {
        ...rest,
        files: result.files.map((file) => ({
          ...file,
          text: file.text.length > MAX_FILE_CHARS ? `${file.text.slice(0, MAX_FILE_CHARS)}\n… (cut)` : file.text,
          chars: file.text.length,
          truncated: file.text.length > MAX_FILE_CHARS,
        })),
        tables: result.tables.map((table, index) => ({
          ...table,
          sample: (plan.tables[index]?.rows ?? []).slice(0, SAMPLE_ROWS),
        })),
      },
      text: renderSeedResult(result),
    };
  },
});
