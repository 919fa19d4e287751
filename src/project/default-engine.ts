import { UserError } from '../errors.js';
import { conflictFile, loadProjectDatabase } from '../safety/project-database.js';

/**
 * The engine to rehearse or plan on when neither the caller nor the migration's folder names one: PostgreSQL, the
 * default — unless the project's files name several engines (uptime-kuma depends on mysql2, pg and sqlite3), where
 * a PostgreSQL shadow would test SQL that runs elsewhere: then the caller must say which.
 */
export async function defaultEngine(root: string, what: string): Promise<'postgresql'> {
  const conflict = (await loadProjectDatabase(root)).conflict;
  if (conflict?.length)
    throw new UserError(
      'engine-ambiguous',
      `This project names more than one database engine — ${conflict.join('; ')} — so the engine ${what} runs on is unknown; nothing was run.`,
      'Say which engine: MCP "engine": "postgresql" | "mysql" | "mariadb" | "sqlite" (CLI --engine …).',
      { file: conflictFile(conflict) },
    );
  return 'postgresql';
}
