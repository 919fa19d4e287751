import { z } from 'zod';
import { changeSchema, columnSchema, referenceSchema } from '../src/generate/changes.js';
import { projectCodeConsent } from './consent.js';
import { defineTool } from './define.js';
import { engineField, executeProjectCodeField, projectRootField, renamesField, shadowUrlField } from './fields.js';
import { fieldList } from './listing.js';

/** Longer files are cut in the answer; with dryRun false they are written whole. */
const MAX_FILE_CHARS = 12_000;

const phase = z.object({
  index: z.number().int(),
  of: z.number().int(),
  label: z.enum(['expand', 'backfill', 'contract', 'index', 'validate', 'change']),
});

const inputSchema = z.object({
  projectRoot: projectRootField,
  changes: z.array(changeSchema).optional().describe('The explicit change list, applied in order'),
  from: z.string().optional().describe('Or from/to, as diff_schema'),
  to: z.string().optional(),
  file: z.string().optional().describe('Schema file'),
  renames: renamesField,
  name: z.string().optional(),
  format: z.string().optional(),
  folder: z.string().optional(),
  engine: engineField,
  serverVersion: z.string().optional().describe('e.g. mysql 8.0.36'),
  strategy: z.enum(['phased', 'direct']).optional(),
  confirmDestructive: z.boolean().optional(),
  dryRun: z.boolean().optional(),
  shadowUrl: shadowUrlField,
  executeProjectCode: executeProjectCodeField,
});

/**
 * The change union is most of this tool's schema: tools/list gives each op with its fields in one line instead,
 * and every call is still validated against the full union.
 */
const CHANGE_GRAMMAR =
  `By op: ${changeSchema.options.map((option) => `${option.shape.op.value}{${fieldList(option, ['op'])}}`).join(' ')}. ` +
  `column: {${fieldList(columnSchema)}}; references: {${fieldList(referenceSchema)}}`;

const listedInput = inputSchema.extend({
  changes: z.array(z.looseObject({})).optional().describe(CHANGE_GRAMMAR),
});

export const generateMigrationTool = defineTool({
  name: 'generate_migration',
  title: 'Generate a migration',
  description:
    "Use to turn a change into migration files in the project's format, with downs; unsafe steps phased (expand/backfill/contract). Written only if validated and rehearsed.",
  inputSchema,
  listedInput,
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
