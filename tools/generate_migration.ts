import { z } from 'zod';
import { changeSchema } from '../src/generate/changes.js';
import { EXECUTE_PROJECT_CODE_DESCRIPTION, projectCodeConsent } from './consent.js';
import { defineTool } from './define.js';

/** Longer files are cut in the answer; with dryRun false they are written whole. */
const MAX_FILE_CHARS = 12_000;

const renameAnswer = z.object({
  table: z.string().optional().describe('Table of the renamed column; omit to rename the table itself'),
  from: z.string(),
  to: z.string(),
});

const phase = z.object({
  index: z.number().int(),
  of: z.number().int(),
  label: z.enum(['expand', 'backfill', 'contract', 'index', 'validate', 'change']),
});

export const generateMigrationTool = defineTool({
  name: 'generate_migration',
  title: 'Generate a proven migration in the project’s own format',
  description:
    'Use when a schema change has to become a migration file. Takes an explicit change list (create/drop/rename table, ' +
    'add/drop/rename/alter column, indexes, foreign keys, unique, check, enums, raw SQL with its down) or from/to schema ' +
    'sources exactly as diff_schema takes them, and writes the migration(s) next to the existing ones in their format, ' +
    'naming and style, always with a down. Safe-migration rules are built in: IF [NOT] EXISTS, an index per foreign key, ' +
    'tables before the foreign keys that need them, lock_timeout before lock-taking DDL, CREATE INDEX CONCURRENTLY in a ' +
    'migration of its own, NOT VALID + VALIDATE, MySQL online ALGORITHM where the server has it. A step unsafe for running ' +
    'code (rename, type change, NOT NULL on a column with rows, drop) becomes expand / backfill (batched, resumable) / ' +
    'contract migrations, each with the application change it needs (strategy "direct" turns this off). Steps that ' +
    'destroy data are never generated without confirmDestructive: true (or the user’s yes when asked). Every draft is ' +
    'checked with validate_safety’s rules and rehearsed up → down → up on a throw-away shadow with synthetic rows; files ' +
    'are written only when dryRun is false and every rehearsal passed — new files only, never overwriting, inside the ' +
    'project root.',
  inputSchema: z.object({
    projectRoot: z.string().optional().describe('Project folder; defaults to the client root or working directory'),
    changes: z.array(changeSchema).optional().describe('The explicit change list, applied in order'),
    from: z.string().optional().describe('Instead of changes: earlier schema source, as diff_schema takes it'),
    to: z.string().optional().describe('Instead of changes: later schema source (sql:<file>, prisma:<file>, …)'),
    file: z.string().optional().describe('Schema file for the from/to defaults'),
    renames: z.array(renameAnswer).optional().describe('Rename answers for a from/to diff'),
    name: z.string().optional().describe('Descriptive name (default derived from the changes, e.g. add_orders_table)'),
    format: z.string().optional().describe('Migration tool to write for (default: the folder detect_setup finds)'),
    folder: z
      .string()
      .optional()
      .describe('Migration folder, when the project has several (or to start a plain .sql one)'),
    engine: z.enum(['postgresql', 'mysql', 'mariadb', 'sqlite']).optional().describe('Default: what the project says'),
    serverVersion: z.string().optional().describe('Target server, e.g. "mariadb 10.11", "mysql 8.0.36", "16"'),
    strategy: z.enum(['phased', 'direct']).optional().describe('phased (default): expand / backfill / contract'),
    confirmDestructive: z.boolean().optional().describe('Generate steps that destroy data (drop table/column, …)'),
    dryRun: z.boolean().optional().describe('Return the files without writing them (default false)'),
    shadowUrl: z.string().optional().describe('Server for shadow databases (needed for MySQL/MariaDB)'),
    executeProjectCode: z.boolean().optional().describe(EXECUTE_PROJECT_CODE_DESCRIPTION),
  }),
  outputSchema: z.object({
    format: z.string(),
    folder: z.string(),
    engine: z.string(),
    written: z.boolean(),
    notWrittenBecause: z.string().optional(),
    risk: z.enum(['LOW', 'MEDIUM', 'HIGH']),
    riskReasons: z.array(z.string()),
    files: z.array(z.object({ path: z.string(), edit: z.boolean(), contents: z.string() })),
    drafts: z.array(
      z.object({
        name: z.string(),
        files: z.array(z.string()),
        transactional: z.boolean(),
        phase: phase.optional(),
        applicationChange: z.string().optional(),
      }),
    ),
    validation: z.array(
      z.object({
        draft: z.string(),
        risk: z.string(),
        findings: z.array(z.object({ ruleId: z.string(), severity: z.string(), title: z.string(), line: z.number() })),
        more: z.number().int(),
      }),
    ),
    rehearsal: z.array(
      z.object({
        draft: z.string(),
        outcome: z.enum(['passed', 'failed', 'skipped']),
        roundTrip: z.enum(['passed', 'failed', 'skipped']),
        reason: z.string().optional(),
        rows: z.number().int(),
        destroyed: z.array(z.string()),
        durationMs: z.number(),
      }),
    ),
    withheld: z.array(z.object({ migration: z.string(), drops: z.string() })),
    notes: z.array(z.string()),
  }),
  annotations: { readOnlyHint: false, destructiveHint: false, idempotentHint: false, openWorldHint: false },
  async handler(input, context) {
    const [{ generateMigration }, { renderGenerateResult }] = await Promise.all([
      import('../src/generate/generate.js'),
      import('../src/generate/render.js'),
    ]);
    const root = await context.resolveRoot(input.projectRoot);
    const result = await generateMigration({
      root,
      ...(input.changes ? { changes: input.changes } : {}),
      ...(input.from !== undefined ? { from: input.from } : {}),
      ...(input.to !== undefined ? { to: input.to } : {}),
      ...(input.file ? { file: input.file } : {}),
      ...(input.renames ? { renames: input.renames } : {}),
      ...(input.name ? { name: input.name } : {}),
      ...(input.format ? { format: input.format } : {}),
      ...(input.folder ? { folder: input.folder } : {}),
      ...(input.engine ? { engine: input.engine } : {}),
      ...(input.serverVersion ? { serverVersion: input.serverVersion } : {}),
      ...(input.strategy ? { strategy: input.strategy } : {}),
      ...(input.confirmDestructive !== undefined ? { confirmDestructive: input.confirmDestructive } : {}),
      ...(input.dryRun !== undefined ? { dryRun: input.dryRun } : {}),
      ...(input.shadowUrl ? { shadowUrl: input.shadowUrl } : {}),
      executeProjectCode: projectCodeConsent(input.executeProjectCode, context),
      confirm: (question) => context.confirm(question),
      signal: context.signal,
      keepWarm: true,
      onProgress: (done, total, message) => void context.progress(done, total, message),
    });
    const { files, drafts, ...rest } = result;
    return {
      structured: {
        ...rest,
        files: files.map((file) => ({
          path: file.path,
          edit: file.edit,
          contents:
            file.text.length > MAX_FILE_CHARS
              ? `${file.text.slice(0, MAX_FILE_CHARS)}\n… ${file.text.length - MAX_FILE_CHARS} more characters`
              : file.text,
        })),
        drafts: drafts.map(({ up: _up, down: _down, ...draft }) => draft),
      },
      text: renderGenerateResult(result),
    };
  },
});
