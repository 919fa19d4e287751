import type { Engine } from '../model.js';

/**
 * Folder names that say which engine the SQL below them is for: one folder per engine in a migrations folder
 * (Authelia's migrations/postgres, migrations/mysql), or an analytics store's migrations beside the application's
 * (umami's db/clickhouse/migrations). `engine` is absent for engines the check does not know.
 */
const ENGINE_FOLDERS: Record<string, { engine?: Engine; label: string }> = {
  postgres: { engine: 'postgresql', label: 'PostgreSQL' },
  postgresql: { engine: 'postgresql', label: 'PostgreSQL' },
  pg: { engine: 'postgresql', label: 'PostgreSQL' },
  pgsql: { engine: 'postgresql', label: 'PostgreSQL' },
  mysql: { engine: 'mysql', label: 'MySQL' },
  mariadb: { engine: 'mariadb', label: 'MariaDB' },
  sqlite: { engine: 'sqlite', label: 'SQLite' },
  sqlite3: { engine: 'sqlite', label: 'SQLite' },
  clickhouse: { label: 'ClickHouse' },
  mssql: { label: 'SQL Server' },
  sqlserver: { label: 'SQL Server' },
  snowflake: { label: 'Snowflake' },
  bigquery: { label: 'BigQuery' },
  cassandra: { label: 'Cassandra' },
  duckdb: { label: 'DuckDB' },
};

export interface EngineFolder {
  /** The engine, when the check knows it. */
  engine?: Engine;
  label: string;
  /** The folder that names it, e.g. `internal/storage/migrations/postgres`. */
  folder: string;
}

export function isEngineFolderName(name: string): boolean {
  return Object.hasOwn(ENGINE_FOLDERS, name.toLowerCase());
}

/** The innermost folder of a root-relative folder path that names an engine. */
export function engineNamedByFolder(folderPath: string): EngineFolder | undefined {
  const folders = folderPath.split('/');
  for (let index = folders.length - 1; index >= 0; index--) {
    const named = ENGINE_FOLDERS[(folders[index] as string).toLowerCase()];
    if (named) return { ...named, folder: folders.slice(0, index + 1).join('/') };
  }
  return undefined;
}
