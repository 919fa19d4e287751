import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { z } from 'zod';
import { UserError } from '../errors.js';
import { jsonSyntaxPosition, jsonValuePositions, positionOf } from './json-locate.js';
import type { Severity } from './types.js';

/**
 * Project configuration for the safety check, read from `db-migration-agent.config.json` at the project root, or
 * from the "dbMigrationAgent" key of package.json. Every key is optional:
 *
 *   {
 *     "rules": { "require-lock-timeout": "off", "ban-drop-column": "warning" },
 *     "pgVersion": 16,
 *     "assumeInTransaction": true,
 *     "largeTableRows": 500000,
 *     "rowCounts": { "orders": 12000000 },
 *     "templateOptions": { "Namespace": "auth" }
 *   }
 */

export const CONFIG_FILE = 'db-migration-agent.config.json';
export const PACKAGE_KEY = 'dbMigrationAgent';

/** The schema, built on first use: zod is loaded only when a project has a configuration (faster `check`). */
async function configSchema() {
  const { z } = await import('zod');
  return z
    .object({
      $schema: z.string().optional(),
      rules: z.record(z.string(), z.enum(['off', 'error', 'warning', 'info'])).optional(),
      pgVersion: z.number().int().min(9).max(30).optional(),
      engineVersion: z.string().optional(),
      assumeInTransaction: z.boolean().optional(),
      largeTableRows: z.number().int().positive().optional(),
      rowCounts: z.record(z.string(), z.number().int().nonnegative()).optional(),
      templateOptions: z.record(z.string(), z.string()).optional(),
      // Validated by src/environments/config.ts, which owns the key.
      environments: z.unknown().optional(),
      // Validated by src/results/setting.ts, which owns the key.
      resultBudget: z.unknown().optional(),
    })
    .strict();
}

export type SafetyConfig = z.infer<Awaited<ReturnType<typeof configSchema>>>;

export interface LoadedConfig {
  config: SafetyConfig;
  /** Where it came from (relative to the root), undefined when there is no configuration. */
  source?: string;
}

/** The rule ids a configuration may name, or where to get them (asked only when it names rules). */
export type KnownRules = ReadonlySet<string> | (() => Promise<ReadonlySet<string>>);

/**
 * Reads and validates the project's configuration. Unknown rule ids are errors (a typo silently disables
 * nothing), located at file:line:col like every other problem in the file.
 */
export async function loadSafetyConfig(root: string, knownRules: KnownRules): Promise<LoadedConfig> {
  const found = findConfig(root);
  if (!found) return { config: {} };
  return { config: await parseConfig(found.text, found.file, found.at, knownRules), source: found.source };
}

/** The project's configuration as found on disk, before validation. */
export interface FoundConfig {
  text: string;
  /** The file, relative to the root, and the path of the configuration object inside its JSON. */
  file: string;
  at: string[];
  source: string;
  /** The configuration object; undefined when the file is not valid JSON (parseConfig says where). */
  data: unknown;
}

/**
 * Where the project's configuration is: db-migration-agent.config.json when it exists (valid or not), else the
 * dbMigrationAgent key of a readable package.json; undefined when neither says anything.
 */
export function findConfig(root: string): FoundConfig | undefined {
  const configFile = join(root, CONFIG_FILE);
  if (existsSync(configFile)) {
    const text = readFileSync(configFile, 'utf8');
    return { text, file: CONFIG_FILE, at: [], source: CONFIG_FILE, data: parsedOrUndefined(text) };
  }
  const packageFile = join(root, 'package.json');
  if (!existsSync(packageFile)) return undefined;
  const text = readFileSync(packageFile, 'utf8');
  // A broken package.json is another tool's problem to report.
  const data = parsedOrUndefined(text);
  if (!data || typeof data !== 'object' || !(PACKAGE_KEY in data)) return undefined;
  const config = (data as Record<string, unknown>)[PACKAGE_KEY];
  return { text, file: 'package.json', at: [PACKAGE_KEY], source: `package.json#${PACKAGE_KEY}`, data: config };
}

function parsedOrUndefined(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/** Validates configuration text; `at` is the path of the configuration object inside the JSON document. */
export async function parseConfig(
  text: string,
  file: string,
  at: string[],
  knownRules: KnownRules,
): Promise<SafetyConfig> {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (error) {
    const position = jsonSyntaxPosition(text, error);
    throw new UserError(
      'config-syntax',
      `The configuration is not valid JSON: ${error instanceof Error ? error.message : String(error)}`,
      'Fix the JSON syntax at that position (no comments or trailing commas in JSON).',
      { file, ...position },
    );
  }
  for (const key of at) data = (data as Record<string, unknown>)[key];
  const positions = jsonValuePositions(text);
  const result = (await configSchema()).safeParse(data);
  if (!result.success) {
    const issue = result.error.issues[0];
    const path = issue?.path ?? [];
    const unknownKey = issue?.code === 'unrecognized_keys' ? issue.keys[0] : undefined;
    const position = positionOf(positions, [...at, ...path, ...(unknownKey ? [unknownKey] : [])]);
    const where = path.length > 0 ? ` at "${path.join('.')}"` : '';
    throw new UserError(
      'config-invalid',
      `Invalid configuration${where}: ${issue?.message ?? 'does not match the schema'}`,
      'Allowed keys: rules ({"rule-id": "off"|"error"|"warning"|"info"}), pgVersion (number), engineVersion ("8.0.35", "mariadb-10.11"), assumeInTransaction (boolean), largeTableRows (positive integer), rowCounts ({"table": rows}), templateOptions ({"Option": "value"} for Go-templated SQL migrations), resultBudget (characters of a tool answer).',
      { file, ...position },
    );
  }
  const named = Object.keys(result.data.rules ?? {});
  if (named.length === 0) return result.data;
  const known = typeof knownRules === 'function' ? await knownRules() : knownRules;
  const unknown = named.find((id) => !known.has(id));
  if (unknown !== undefined)
    throw new UserError(
      'config-unknown-rule',
      `Unknown rule "${unknown}" in the configuration.`,
      'Use a rule id from `db-migration-agent check --explain <rule>` or docs/rules/README.md.',
      { file, ...positionOf(positions, [...at, 'rules', unknown]) },
    );
  return result.data;
}

/** Config rule settings as the engine takes them. */
export function ruleSeverities(config: SafetyConfig): Record<string, Severity | 'off'> {
  return { ...(config.rules ?? {}) };
}
