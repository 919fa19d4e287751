import type { Engine } from '../model.js';
import type { Bookkeeping } from '../sources/bookkeeping.js';
import type { TableLocation } from './bookkeeping-rows.js';
import type { EnvironmentReference } from './config.js';
import { type ProjectPlaces, splitQualified, TOOL_TABLE_READERS } from './tool-tables.js';

/**
 * Which table migration_status reads in an environment: the tool's default, unless the project's configuration
 * renames it (flyway.table, drizzle's migrations.table …), unless the environment's own `bookkeepingTable` in
 * db-migration-agent.config.json says otherwise.
 */

export interface TableChoice {
  table: string;
  /** PostgreSQL schema (MySQL: database) the project keeps it in; absent: the tool's default place. */
  schema?: string;
  ownTables: string[];
  /** Where the name was given, when it is not the tool's default. */
  source?: string;
  /** Said with the status: a name the configuration computes, and the default assumed for it. */
  notes: string[];
}

const CONFIG_HINT =
  'give the table as "bookkeepingTable": "schema.table" of the environment in db-migration-agent.config.json';

export async function projectTableChoice(
  bookkeeping: Bookkeeping,
  format: string,
  places: ProjectPlaces,
): Promise<TableChoice> {
  const base: TableChoice = { table: bookkeeping.table, ownTables: bookkeeping.ownTables, notes: [] };
  const read = await TOOL_TABLE_READERS[format]?.(places);
  if (read?.computed)
    return {
      ...base,
      notes: [`${read.computed}: assumed ${qualified(base)}; if it is another table, ${CONFIG_HINT}.`],
    };
  const setting = read?.setting;
  if (!setting) return base;
  const table = setting.table ?? base.table;
  return {
    table,
    ...(setting.schema ? { schema: setting.schema } : {}),
    ownTables: [...new Set([...base.ownTables, table])],
    source: setting.source,
    notes: [],
  };
}

/** The environment's `bookkeepingTable`, when declared, wins over the project's configuration. */
export function environmentTableChoice(choice: TableChoice, environment: EnvironmentReference): TableChoice {
  if (!environment.bookkeepingTable) return choice;
  const { table, schema } = splitQualified(environment.bookkeepingTable);
  return {
    table,
    ...(schema ? { schema } : {}),
    ownTables: [...new Set([...choice.ownTables, table])],
    source: `db-migration-agent.config.json (environments.${environment.name}.bookkeepingTable)`,
    notes: [],
  };
}

/**
 * golang-migrate reads `x-migrations-table` from the database URL itself: when the environment's URL carries one,
 * that is the table (the project's files cannot know better).
 */
export function urlTableChoice(choice: TableChoice, url: string, format: string): TableChoice {
  if (format !== 'golang-migrate') return choice;
  const named = /[?&]x-migrations-table=([^&#]+)/.exec(url)?.[1];
  if (!named) return choice;
  const { table, schema } = splitQualified(decodeURIComponent(named));
  return {
    table,
    ...(schema ? { schema } : {}),
    ownTables: [...new Set([...choice.ownTables, table])],
    source: "the environment's URL (x-migrations-table)",
    notes: [],
  };
}

/** `schema.table`, or the bare table when no schema is set. */
export function qualified(choice: Pick<TableChoice, 'table' | 'schema'>): string {
  return choice.schema ? `${choice.schema}.${choice.table}` : choice.table;
}

/** Why nothing was read: the table named is absent (said so, never "nothing applied" for a renamed one). */
export function missingTableNote(
  choice: TableChoice,
  location: TableLocation,
  engine: Engine,
  tool: string,
  environment: string,
  declared: boolean,
): string {
  const place =
    engine === 'sqlite'
      ? 'in the SQLite file'
      : location.schema
        ? `in ${engine === 'postgresql' ? 'schema' : 'database'} ${location.schema}`
        : engine === 'postgresql'
          ? 'in the schemas of the search path'
          : 'in the database of the URL';
  if (choice.source)
    return `No bookkeeping table ${qualified(choice)} found (looked for ${choice.table} ${place}, as ${choice.source} names it): every migration counts as pending. Check that name, or set ${declared ? `environments.${environment}.bookkeepingTable` : 'an environment\'s "bookkeepingTable"'} in db-migration-agent.config.json.`;
  return `No ${choice.table} table (looked ${place}): ${tool} has not applied anything here (renamed? set the environment's "bookkeepingTable").`;
}
