import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { UserError } from '../errors.js';
import { CONFIG_FILE, PACKAGE_KEY } from '../safety/config.js';
import { jsonSyntaxPosition, jsonValuePositions, positionOf } from '../safety/json-locate.js';

/**
 * The project's environments, from `environments` in db-migration-agent.config.json (or package.json's
 * "dbMigrationAgent"): `{ "dev": { "url": "env:DATABASE_URL" }, "production": { "url": "env:PROD_DATABASE_URL" } }`.
 * A URL is only ever named by its environment variable, so no credential is written to disk; the caller may also
 * pass one directly (MCP input, CLI --url), which is never stored either.
 */

const ENV_REFERENCE = /^env:([A-Za-z_][A-Za-z0-9_]*)$/;
const TABLE_NAME = /^[A-Za-z_][A-Za-z0-9_$]*(\.[A-Za-z_][A-Za-z0-9_$]*)?$/;

const environmentsSchema = z.record(
  z.string().regex(/^[A-Za-z0-9_-]+$/, 'environment names are letters, digits, "-" and "_"'),
  z
    .object({
      url: z.string().regex(ENV_REFERENCE, 'write the URL as "env:VARIABLE" (URLs are never stored in the file)'),
      bookkeepingTable: z
        .string()
        .regex(TABLE_NAME, 'write the table as "table" or "schema.table" (letters, digits, "_" and "$")')
        .optional(),
    })
    .strict(),
);

export interface EnvironmentReference {
  name: string;
  /** `env:VARIABLE` as written. */
  url: string;
  /** Where it was declared, for errors (`db-migration-agent.config.json:4:12`). */
  where?: { file: string; line: number; column: number };
  /** The migration tool's bookkeeping table there (`table` or `schema.table`), when the project renamed it. */
  bookkeepingTable?: string;
}

/** The declared environments, in file order; empty when the project declares none. */
export function loadEnvironments(root: string): EnvironmentReference[] {
  const configFile = join(root, CONFIG_FILE);
  if (existsSync(configFile)) return parseEnvironments(readFileSync(configFile, 'utf8'), CONFIG_FILE, []);
  const packageFile = join(root, 'package.json');
  if (!existsSync(packageFile)) return [];
  const text = readFileSync(packageFile, 'utf8');
  try {
    const data = JSON.parse(text) as Record<string, unknown>;
    if (!data || typeof data !== 'object' || !(PACKAGE_KEY in data)) return [];
  } catch {
    return []; // a broken package.json is another tool's problem to report
  }
  return parseEnvironments(text, 'package.json', [PACKAGE_KEY]);
}

export function parseEnvironments(text: string, file: string, at: string[]): EnvironmentReference[] {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (error) {
    throw new UserError(
      'config-syntax',
      `The configuration is not valid JSON: ${(error as Error).message}`,
      'Fix the JSON syntax at that position (no comments or trailing commas in JSON).',
      { file, ...jsonSyntaxPosition(text, error) },
    );
  }
  for (const key of at) data = (data as Record<string, unknown> | undefined)?.[key];
  const declared = (data as { environments?: unknown } | undefined)?.environments;
  if (declared === undefined) return [];
  const positions = jsonValuePositions(text);
  const result = environmentsSchema.safeParse(declared);
  if (!result.success) {
    const issue = result.error.issues[0];
    const path = [...at, 'environments', ...(issue?.path ?? [])];
    const unknownKey = issue?.code === 'unrecognized_keys' ? issue.keys[0] : undefined;
    throw new UserError(
      'config-invalid',
      `Invalid environment at "${path.slice(at.length).join('.')}": ${issue?.message ?? 'does not match the schema'}`,
      'Declare each environment as "name": { "url": "env:VARIABLE" } (optionally "bookkeepingTable": "schema.table"), e.g. "environments": { "dev": { "url": "env:DATABASE_URL" } }.',
      { file, ...positionOf(positions, unknownKey ? [...path, unknownKey] : path) },
    );
  }
  return Object.entries(result.data).map(([name, environment]) => ({
    name,
    url: environment.url,
    where: { file, ...positionOf(positions, [...at, 'environments', name, 'url']) },
    ...(environment.bookkeepingTable ? { bookkeepingTable: environment.bookkeepingTable } : {}),
  }));
}

/**
 * The URL an `env:VARIABLE` reference (or a URL the caller passed) stands for. An unset variable is an error that
 * names the variable and where it was declared.
 */
export function resolveUrl(
  reference: string,
  declaredAt?: EnvironmentReference['where'],
  env: NodeJS.ProcessEnv = process.env,
): string {
  const variable = ENV_REFERENCE.exec(reference)?.[1];
  if (!variable) return reference;
  const value = env[variable];
  if (!value)
    throw new UserError(
      'environment-variable-unset',
      `The environment variable ${variable} is not set${declaredAt ? '' : ` (named by ${reference})`}.`,
      `Set ${variable} to the database URL in the environment that runs db-migration-agent (it is never read from a file).`,
      declaredAt,
    );
  return value;
}
