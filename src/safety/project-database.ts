import { readdirSync } from 'node:fs';

/**
 * The database a project targets, learned the way detect_setup learns it (knexfile client, Prisma provider,
 * docker-compose image, .env URL scheme, driver dependency …) but from the root package only and a shallow
 * walk: the safety check needs the engine and the server version, not the whole setup. A folder with no
 * manifest or configuration file at its top is not walked at all.
 */

export interface ProjectDatabase {
  /** postgresql, mysql, mariadb, sqlite … when the project's files agree on one. */
  engine?: string;
  /** The server version a docker-compose image or similar names, e.g. "16.3". */
  version?: string;
  /** Where it was learned, e.g. "docker-compose.yml: service db image postgres:16.3". */
  evidence: string[];
  /**
   * When the project's files name different engines (uptime-kuma's package.json depends on mysql2, pg and
   * sqlite3): each claim, e.g. "mysql (package.json: driver mysql2 ~3.11.5 in dependencies)". No engine then.
   */
  conflict?: string[];
}

/** Top-level files and folders that can name a database (manifests, ORM and tool configuration, compose, .env). */
const SIGNALS =
  /^(package\.json|pyproject\.toml|requirements.*\.txt|setup\.cfg|Pipfile|go\.mod|Cargo\.toml|manage\.py|knexfile\..*|drizzle\.config\..*|ormconfig\..*|.*data-?source\..*|typeorm\.config\..*|mikro-orm\.config\..*|alembic\.ini|flyway\.(conf|toml)|dbconfig\.ya?ml|\.env.*|(docker-)?compose.*\.ya?ml|.*\.prisma|prisma|config|src|app)$/;

export async function loadProjectDatabase(root: string): Promise<ProjectDatabase> {
  let entries: string[];
  try {
    entries = readdirSync(root);
  } catch {
    return { evidence: [] };
  }
  if (!entries.some((entry) => SIGNALS.test(entry))) return { evidence: [] };
  const { detectProjectDatabase } = await import('./project-database-detect.js');
  return detectProjectDatabase(root);
}

/** The file the first conflicting claim was learned from ("mysql (package.json: driver …)" → package.json). */
export function conflictFile(conflict: string[]): string {
  return conflict[0]?.replace(/^[^(]*\(/, '').split(': ')[0] ?? '.';
}

/** The PostgreSQL major version the project names (e.g. 16 from `postgres:16.3`), with where it was found. */
export function projectPgVersion(database: ProjectDatabase): { version: number; source: string } | undefined {
  if (database.engine !== 'postgresql' || !database.version) return undefined;
  const major = Number.parseInt(database.version, 10);
  if (!Number.isInteger(major) || major < 9 || major > 30) return undefined;
  const source = database.evidence.find((item) => item.includes(database.version ?? '')) ?? database.evidence[0];
  return { version: major, source: source ?? 'project files' };
}
