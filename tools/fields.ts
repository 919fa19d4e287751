import { z } from 'zod';

/**
 * Input fields several tools share. Their meaning is given once, in the server instructions (src/prompts.ts), not
 * repeated in every tool's listing.
 */
export const projectRootField = z.string().optional();

export const engineField = z.enum(['postgresql', 'mysql', 'mariadb', 'sqlite']).optional();

export const shadowUrlField = z.string().optional();

export const allowRemoteShadowField = z.boolean().optional().describe("Only with the user's yes: a non-local shadow");

export const executeProjectCodeField = z.boolean().optional().describe("User's consent to run project code, sandboxed");

/** An answer to a rename question of diff_schema: a column of `table`, or a table when `table` is omitted. */
export const renameAnswer = z.object({ table: z.string().optional(), from: z.string(), to: z.string() });

export const renamesField = z
  .array(renameAnswer)
  .optional()
  .describe('Answers to rename questions: {table, from, to}; without table, a table rename');
