import { z } from 'zod';
import { MIGRATION_FORMATS } from '../src/model.js';
import { TOOL_NAMES } from '../src/project/types.js';
import { defineTool } from './define.js';
import { projectRootField } from './fields.js';

const evidence = z.object({ file: z.string(), what: z.string() });
const command = z.object({ command: z.string(), source: z.string() });
const toolName = z.enum(TOOL_NAMES);

const packageSetup = z.object({
  path: z.string().describe("Package folder relative to the project root ('.' for the root)"),
  name: z.string().optional(),
  orms: z.array(z.object({ name: toolName, version: z.string().optional(), evidence: z.array(evidence) })),
  engine: z
    .object({ name: z.string(), version: z.string().optional(), evidence: z.array(evidence) })
    .optional()
    .describe('Absent when nothing names the engine or sources conflict (see ambiguities)'),
  schemaFiles: z.array(z.string()),
  migrationDirs: z.array(
    z.object({
      path: z.string(),
      tool: toolName,
      count: z.number().int(),
      alongside: z
        .array(z.string())
        .optional()
        .describe("Folders applied in one order with this one (Rails' db/post_migrate); count includes them"),
      format: z
        .enum(MIGRATION_FORMATS)
        .optional()
        .describe(
          'The format list_migrations, validate_safety and rehearse_migration read it as; absent when not read yet',
        ),
    }),
  ),
  migrations: z
    .array(
      z.object({
        id: z.string(),
        name: z.string(),
        path: z.string(),
        tool: toolName,
        hasDown: z.boolean(),
        transactional: z.boolean(),
      }),
    )
    .describe('Existing migrations in the order the tool applies them'),
  conventions: z.array(
    z.object({
      tool: toolName,
      naming: z.string(),
      example: z.string(),
      extension: z.string(),
      moduleStyle: z.enum(['esm', 'cjs', 'ts', 'sql', 'python', 'go', 'ruby', 'elixir', 'xml', 'yaml', 'json', 'none']),
      down: z.enum(['always', 'sometimes', 'never']),
      transaction: z.string(),
    }),
  ),
  seeds: z.array(z.string()),
  unknownMigrationDirs: z
    .array(z.string())
    .optional()
    .describe('Folders named like migration folders whose files match no known format'),
  commands: z.object({
    create: command.optional(),
    apply: command.optional(),
    rollback: command.optional(),
    status: command.optional(),
    seed: command.optional(),
  }),
});

export const detectSetupTool = defineTool({
  name: 'detect_setup',
  title: 'Detect the setup',
  description:
    'Use first. Reads the project without running its code: per package the migration tool, engine, schema files, migration folders, seeds; conflicts to ask about.',
  inputSchema: z.object({
    projectRoot: projectRootField,
    path: z.string().optional().describe('A sub-folder only'),
    maxFiles: z.number().int().positive().max(1_000_000).optional(),
  }),
  outputSchema: z.object({
    root: z.string(),
    packages: z.array(packageSetup),
    ambiguities: z.array(z.string()),
    warnings: z.array(z.string()),
    stats: z.object({
      files: z.number().int(),
      directories: z.number().int(),
      capped: z.boolean(),
      elapsedMs: z.number(),
    }),
  }),
  annotations: { readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: false },
  async handler(input, context) {
    const root = await context.resolveRoot(input.projectRoot);
    // Loaded on first call, so the parsers it uses (yaml, smol-toml) stay out of the server's cold start.
    const [{ detectSetup }, { summarizeDetect }] = await Promise.all([
      import('../src/project/detect.js'),
      import('../src/project/summary.js'),
    ]);
    const result = detectSetup(root, {
      ...(input.path ? { path: input.path } : {}),
      ...(input.maxFiles ? { maxFiles: input.maxFiles } : {}),
    });
    return { structured: result, text: summarizeDetect(result) };
  },
});
