import { z } from 'zod';
import { projectCodeConsent } from './consent.js';
import { defineTool } from './define.js';
import { engineField, executeProjectCodeField, projectRootField, shadowUrlField } from './fields.js';

const FORMATS = ['knex', 'prisma', 'sequelize', 'typeorm', 'drizzle', 'sql'] as const;
/** Rows of each table shown in the structured answer; the files hold them all. */
const SAMPLE_ROWS = 3;
/** A longer seed file is cut in the answer (agents pay per character); write: true or the CLI gives it whole. */
const MAX_FILE_CHARS = 20_000;

export const generateSeedTool = defineTool({
  name: 'generate_seed',
  title: 'Generate seed data',
  description:
    "Use after a migration adds tables: realistic rows honouring every constraint, in the project's seed format, proven on a shadow; written with write: true.",
  inputSchema: z.object({
    projectRoot: projectRootField,
    tables: z.array(z.string()).optional().describe('Default: new in from→to'),
    from: z.string().optional().describe('As diff_schema'),
    to: z.string().optional(),
    schema: z.string().optional().describe('Default migrations'),
    database: z.string().optional().describe('db:<url>: parent rows'),
    engine: engineField,
    rows: z.number().int().min(1).max(1_000).optional(),
    seed: z.number().int().optional(),
    format: z.enum(FORMATS).optional(),
    name: z.string().optional(),
    shadowUrl: shadowUrlField,
    executeProjectCode: executeProjectCodeField,
    write: z.boolean().optional(),
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
