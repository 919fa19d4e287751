import { z } from 'zod';
import { projectCodeConsent } from './consent.js';
import { defineTool } from './define.js';
import { executeProjectCodeField, projectRootField, renameAnswer, renamesField, shadowUrlField } from './fields.js';

const DEFAULT_MAX_OPERATIONS = 200;
/** Longer statements (a big function or view body) are cut in the answer; `format: "sql"` of the CLI has them whole. */
const MAX_STATEMENT_CHARS = 4_000;

const safety = z.enum(['safe', 'careful', 'dangerous']);
export const diffSchemaTool = defineTool({
  name: 'diff_schema',
  title: 'Diff two schemas',
  description:
    'Use to understand a schema change: git ref vs working tree (default), history vs schema, or two databases. Operations graded safe/careful/dangerous, with SQL; renames asked.',
  inputSchema: z.object({
    projectRoot: projectRootField,
    from: z
      .string()
      .optional()
      .describe('sql|prisma|drizzle|typeorm|sequelize|mikroorm:<file>, git:<ref>:<file>, migrations[:<dir>], db:<url>'),
    to: z.string().optional().describe('Default: the schema file'),
    file: z.string().optional().describe('Schema file'),
    engine: z.enum(['postgresql', 'sqlite', 'mysql', 'mariadb']).optional().describe('Of SQL sources'),
    executeProjectCode: executeProjectCodeField,
    renames: renamesField,
    shadowUrl: shadowUrlField,
    maxOperations: z.number().int().positive().max(5_000).optional(),
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
        'The schema is code (Drizzle schema.ts, TypeORM/MikroORM entities, Sequelize models). Reading its tables runs that code',
      ),
      renames: input.renames ?? [],
      signal: context.signal,
      onProgress: (progress, total, message) => void context.progress(progress, total, message),
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
