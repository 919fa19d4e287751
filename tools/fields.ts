import { z } from 'zod';

/**
 * Input fields several tools share. Their meaning and values are given once, in the server instructions
 * (src/prompts.ts): tools/list gives only their type (see SHARED_FIELDS), the schema resource gives them whole.
 */
export const projectRootField = z.string().optional().describe("Default: the client's first root, else the cwd");

export const engineField = z.enum(['postgresql', 'mysql', 'mariadb', 'sqlite']).optional();

export const shadowUrlField = z.string().optional().describe('Server for throw-away shadow databases');

export const allowRemoteShadowField = z.boolean().optional().describe("Only with the user's yes: a non-local shadow");

export const executeProjectCodeField = z.boolean().optional().describe("User's consent to run project code, sandboxed");

export const rowCountsField = z
  .record(z.string(), z.number().int().min(0))
  .optional()
  .describe('Rows per table in the real database, {"orders": 12000000}: lock and duration estimates');

export const migrationFolderField = z
  .string()
  .optional()
  .describe('The migration folder, when the project has several');

/** An answer to a rename question of diff_schema: a column of `table`, or a table when `table` is omitted. */
export const renameAnswer = z.object({ table: z.string().optional(), from: z.string(), to: z.string() });

export const renamesField = z
  .array(renameAnswer)
  .optional()
  .describe("Answers to diff_schema's rename questions; without table, a table rename");

/** The shared fields by the name tools give them; tools/list reduces a field to its type only when it is this one. */
export const SHARED_FIELDS: Readonly<Record<string, z.ZodType>> = {
  projectRoot: projectRootField,
  engine: engineField,
  shadowUrl: shadowUrlField,
  allowRemoteShadow: allowRemoteShadowField,
  executeProjectCode: executeProjectCodeField,
  rowCounts: rowCountsField,
  path: migrationFolderField,
  renames: renamesField,
};
