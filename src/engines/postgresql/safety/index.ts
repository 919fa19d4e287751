import { ENGINE_RULES } from '../../../safety/builtin.js';
import { checkPostgres } from '../../../safety/engine.js';
import { RULES } from '../../../safety/rules/index.js';
import type { SafetyEngine } from '../../../safety/safety-engine.js';

/**
 * PostgreSQL's safety check: the libpg-query parse trees, lock map, catalog and rules that live in src/safety/
 * (engine.ts, locks.ts, rules/) until they move into this folder, behind the same interface as the others.
 */
export const postgresqlSafety: SafetyEngine = {
  name: 'postgresql',
  ruleMeta: () => [...RULES.map((rule) => rule.meta), ...ENGINE_RULES],
  check: (sql, options, sink) => checkPostgres(sql, options, sink),
};
