import { UserError } from '../errors.js';
import { findConfig } from '../safety/config.js';
import { jsonValuePositions, positionOf } from '../safety/json-locate.js';

/**
 * How many characters of structuredContent a tool answer may have: DMA_RESULT_BUDGET in the server's environment,
 * else `resultBudget` in the project's db-migration-agent.config.json (or package.json's dbMigrationAgent), else
 * 20,000. The readable text gets half of it.
 */
export const DEFAULT_RESULT_BUDGET = 20_000;
const SMALLEST = 2_000;
const LARGEST = 10_000_000;
const ENV = 'DMA_RESULT_BUDGET';

function valid(value: unknown): value is number {
  return typeof value === 'number' && Number.isInteger(value) && value >= SMALLEST && value <= LARGEST;
}

const RANGE = `a whole number of characters from ${SMALLEST} to ${LARGEST}`;

/** The server-wide setting, undefined when the environment does not set it. */
export function budgetFromEnv(env: NodeJS.ProcessEnv = process.env): number | undefined {
  const raw = env[ENV];
  if (raw === undefined || raw.trim() === '') return undefined;
  const value = Number(raw);
  if (!valid(value)) {
    throw new UserError(
      'config-invalid',
      `${ENV} is "${raw}", not ${RANGE}.`,
      `Set ${ENV}=40000 (for example) in the server's environment, or unset it for the default ${DEFAULT_RESULT_BUDGET}.`,
    );
  }
  return value;
}

/** The project's setting, undefined when its configuration does not set it. */
export function budgetFromConfig(root: string): number | undefined {
  // An invalid configuration is reported, with its position, by the tools that read it whole.
  const found = findConfig(root);
  if (!found?.data || typeof found.data !== 'object') return undefined;
  const value = (found.data as Record<string, unknown>).resultBudget;
  if (value === undefined) return undefined;
  if (!valid(value)) {
    throw new UserError(
      'config-invalid',
      `resultBudget is ${JSON.stringify(value)}, not ${RANGE}.`,
      `Write "resultBudget": 40000 (for example), or remove it for the default ${DEFAULT_RESULT_BUDGET}.`,
      { file: found.file, ...positionOf(jsonValuePositions(found.text), [...found.at, 'resultBudget']) },
    );
  }
  return value;
}
