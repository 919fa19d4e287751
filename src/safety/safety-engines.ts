import { mysqlSafety } from '../engines/mysql/safety/index.js';
import { postgresqlSafety } from '../engines/postgresql/safety/index.js';
import { sqliteSafety } from '../engines/sqlite/safety/index.js';
import type { SafetyEngine } from './safety-engine.js';

/** Every engine with safety rules; the first is the default when nothing names one. */
export const SAFETY_ENGINES: readonly SafetyEngine[] = [postgresqlSafety, mysqlSafety, sqliteSafety];

/** The safety check for an engine as a project or caller names it (`mariadb` → the MySQL one), if any. */
export function safetyEngineFor(engine: string | undefined): SafetyEngine | undefined {
  if (engine === undefined || engine === 'unknown') return postgresqlSafety;
  return SAFETY_ENGINES.find((candidate) => candidate.covers.includes(engine));
}
