import { z } from 'zod';
import { EXECUTE_PROJECT_CODE_DESCRIPTION, projectCodeConsent } from './consent.js';
import { defineTool } from './define.js';

const DEFAULT_MAX_OPERATIONS = 200;
/** Longer statements (a big function or view body) are cut in the answer; `format: "sql"` of the CLI has them whole. */
const MAX_STATEMENT_CHARS = 4_000;

const safety = z.enum(['safe', 'careful', 'dangerous']);
const renameAnswer = z.object({
  table: z.string().optional().describe('Table of the renamed column; omit to rename the table itself'),
  from: z.string(),
  to: z.string(),
});

export const diffSchemaTool = defineTool({
  name: 'diff_schema',
  title: 'Diff two schemas into ordered, categorised operations',
  description:
    'Use to understand a schema change before writing a migration: the schema file at a git ref vs the working tree ' +
    '(default: git:HEAD:<schema file> → sql:<schema file>), the migration history vs the schema file ("which migration is ' +
    'missing": from "migrations", to "sql:db/schema.sql"), or two databases (drift, read-only). Sources: sql:<file>, ' +
    "prisma:<schema.prisma> (read with Prisma's own parser, no CLI), drizzle:<schema.ts> (loaded in the sandbox, " +
    'needs executeProjectCode), git:<ref>:<file> (SQL, .prisma or Drizzle), ' +
    'migrations[:<folder>], db:<url>. Returns the operations in an order the engine accepts, each ' +
    'safe/careful/dangerous with its reason, hazards, the data it would lose and its SQL; likely renames come back as ' +
    'questions; answer with renames [{table, from, to}] (or {from, to} for a table) to get RENAME instead of drop + add. ' +
    'SQL is applied to a throw-away shadow, databases are read over read-only connections; only a Drizzle schema ' +
    'runs project code, with consent.',
  inputSchema: z.object({
    projectRoot: z.string().optional().describe('Project folder; defaults to the client root or working directory'),
    from: z
      .string()
      .optional()
      .describe('Earlier schema: sql:<file> | prisma:<file> | git:<ref>:<file> | migrations[:<folder>] | db:<url>'),
    to: z.string().optional().describe('Later schema, same forms; default the working-tree schema file'),
    file: z
      .string()
      .optional()
      .describe(
        'Schema file for the defaults (schema.sql, db/structure.sql, prisma/schema.prisma… found when omitted)',
      ),
    engine: z
      .enum(['postgresql', 'sqlite', 'mysql', 'mariadb'])
      .optional()
      .describe('Engine of SQL sources (default postgresql)'),
    executeProjectCode: z.boolean().optional().describe(EXECUTE_PROJECT_CODE_DESCRIPTION),
    renames: z.array(renameAnswer).optional().describe('Answers to rename questions from an earlier call'),
    shadowUrl: z
      .string()
      .optional()
      .describe('Server for shadow databases (needed for MySQL); default PGlite / SQLite in memory'),
    maxOperations: z
      .number()
      .int()
      .positive()
      .max(5_000)
      .optional()
      .describe(`Operations returned, in plan order (default ${DEFAULT_MAX_OPERATIONS}); the summary counts all`),
  }),
  outputSchema: z.object({
    from: z.string(),
    to: z.string(),
    engine: z.string(),
    summary: z.object({ safe: z.number().int(), careful: z.number().int(), dangerous: z.number().int() }),
    totalOperations: z.number().int(),
    operations: z.array(
      z.object({
        kind: z.string(),
        object: z.string(),
        safety,
        reason: z.string(),
        hazards: z.array(z.string()),
        dataLoss: z.string().optional(),
        sql: z.array(z.string()),
      }),
    ),
    omittedOperations: z.number().int().describe('Operations left out by maxOperations'),
    questions: z.array(
      z.object({
        kind: z.enum(['table', 'column']),
        table: z.string().optional(),
        from: z.string(),
        to: z.string(),
        evidence: z.array(z.string()),
        answer: renameAnswer,
      }),
    ),
    notes: z.array(z.string()),
    timings: z.object({ load: z.number(), diff: z.number() }),
  }),
  annotations: { readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: false },
  async handler(input, context) {
    const [{ diffSources }, { renderSchemaDiff }] = await Promise.all([
      import('../src/schema/diff-sources.js'),
      import('../src/schema/diff/render.js'),
    ]);
    const root = await context.resolveRoot(input.projectRoot);
    const result = await diffSources({
      root,
      ...(input.from ? { from: input.from } : {}),
      ...(input.to ? { to: input.to } : {}),
      ...(input.file ? { file: input.file } : {}),
      ...(input.engine ? { engine: input.engine } : {}),
      ...(input.shadowUrl ? { shadowUrl: input.shadowUrl } : {}),
      executeProjectCode: projectCodeConsent(
        input.executeProjectCode,
        context,
        'The Drizzle schema is a TypeScript module. Reading its tables runs that code',
      ),
      renames: input.renames ?? [],
      signal: context.signal,
    });
    const limit = input.maxOperations ?? DEFAULT_MAX_OPERATIONS;
    const { diff } = result;
    const operations = diff.operations.slice(0, limit).map((op) => ({
      ...op,
      sql: op.sql.map((statement) =>
        statement.length > MAX_STATEMENT_CHARS
          ? `${statement.slice(0, MAX_STATEMENT_CHARS)}\n-- … ${statement.length - MAX_STATEMENT_CHARS} more characters`
          : statement,
      ),
    }));
    return {
      structured: {
        from: result.from,
        to: result.to,
        engine: result.engine,
        summary: diff.summary,
        totalOperations: diff.operations.length,
        operations,
        omittedOperations: diff.operations.length - operations.length,
        questions: diff.questions,
        notes: diff.notes,
        timings: result.timings,
      },
      text: `${result.from} → ${result.to}\n${renderSchemaDiff(diff, { limit: 50 })}`,
    };
  },
});
