import type { Engine, Migration } from '../model.js';
import { diffSchemas } from '../schema/diff/diff.js';
import type { SchemaOperation } from '../schema/diff/types.js';
import { introspectMysql } from '../schema/introspect/mysql.js';
import { introspectPostgres } from '../schema/introspect/postgres.js';
import { introspectSqlite } from '../schema/introspect/sqlite.js';
import type { Schema } from '../schema/model.js';
import { withShadow } from '../schema/sources.js';
import { buildBaseline } from '../shadow/baseline.js';
import { extensionsCreatedIn } from '../shadow/pglite-extensions.js';
import type { Bookkeeping } from '../sources/bookkeeping.js';
import type { ReadOnlyDatabase } from './read-only.js';

/**
 * Drift: the database's real schema against the schema its applied migrations produce, replayed on a throw-away
 * shadow. Each operation is a change someone made outside the migrations (by hand, or a migration edited after it
 * ran): it turns the expected schema into the real one.
 */
export interface Drift {
  operations: SchemaOperation[];
}

export async function findDrift(
  db: ReadOnlyDatabase,
  applied: Migration[],
  bookkeeping: Bookkeeping,
  options: { shadowUrl?: string; signal?: AbortSignal },
): Promise<Drift> {
  const actual = withoutBookkeeping(await introspect(db), bookkeeping);
  const expected = withoutBookkeeping(await replay(applied, db.engine, options), bookkeeping);
  return { operations: diffSchemas(expected, actual).operations };
}

async function introspect(db: ReadOnlyDatabase): Promise<Schema> {
  if (db.engine === 'postgresql') return introspectPostgres(db);
  if (db.engine === 'mysql') return introspectMysql(db);
  return introspectSqlite(db);
}

async function replay(
  applied: Migration[],
  engine: Engine,
  options: { shadowUrl?: string; signal?: AbortSignal },
): Promise<Schema> {
  const extensions = extensionsCreatedIn([applied.flatMap((m) => m.up.map((statement) => statement.sql)).join('\n')]);
  return withShadow(
    { engine, extensions, ...(options.shadowUrl ? { shadowUrl: options.shadowUrl } : {}) },
    async (shadow) => {
      await buildBaseline(
        shadow,
        { kind: 'migrations', migrations: applied },
        options.signal ? { signal: options.signal } : {},
      );
      return shadow.introspect();
    },
  );
}

/**
 * The tool's own tables (`name`, or `schema.name` when kept in another schema) and Drizzle's "drizzle" schema are
 * not part of the application's schema; nor is a schema that holds nothing but the tool's table.
 */
function withoutBookkeeping(schema: Schema, bookkeeping: Bookkeeping): Schema {
  const own = new Set(bookkeeping.ownTables.map((name) => name.toLowerCase()));
  const ownNamespace = bookkeeping.postgresSchema;
  const kept: Schema = {
    ...schema,
    tables: schema.tables.filter(
      (table) =>
        !(ownNamespace !== undefined && table.namespace === ownNamespace) &&
        !own.has((table.namespace === undefined ? table.name : `${table.namespace}.${table.name}`).toLowerCase()),
    ),
    sequences: schema.sequences.filter(
      (sequence) =>
        (ownNamespace === undefined || sequence.namespace !== ownNamespace) &&
        !own.has((sequence.ownedBy ?? '').split('.').slice(0, -1).join('.').toLowerCase()) &&
        !own.has((sequence.ownedBy ?? '').split('.').slice(-2, -1)[0]?.toLowerCase() ?? ''),
    ),
  };
  const holders = new Set(
    [...kept.tables, ...kept.views, ...kept.enums, ...kept.sequences, ...(kept.domains ?? []), ...(kept.routines ?? [])]
      .map((object) => (object as { namespace?: string }).namespace)
      .filter((namespace) => namespace !== undefined),
  );
  const bookkeepingOnly = new Set(
    bookkeeping.ownTables.flatMap((name) => {
      const namespace = name.includes('.') ? name.slice(0, name.lastIndexOf('.')) : undefined;
      return namespace && !holders.has(namespace) ? [namespace] : [];
    }),
  );
  if (!schema.namespaces) return kept;
  return {
    ...kept,
    namespaces: schema.namespaces.filter((name) => name !== ownNamespace && !bookkeepingOnly.has(name)),
  };
}
