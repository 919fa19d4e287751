import type { Engine } from '../model.js';

/**
 * One engine-neutral schema model shared by introspection, rehearsal comparison and the schema diff.
 * Names are unqualified inside their schema; engine-specific facts live in optional fields so the
 * PostgreSQL, MySQL/MariaDB and SQLite introspectors all fill the same shape.
 */

export interface Schema {
  engine: Engine;
  /** Tables by name (`schema.table` when the object is outside the default schema). */
  tables: Table[];
  views: View[];
  enums: EnumType[];
  sequences: Sequence[];
}

export interface Table {
  name: string;
  /** PostgreSQL schema or MySQL database when not the default one. */
  namespace?: string;
  columns: Column[];
  primaryKey?: PrimaryKey;
  indexes: Index[];
  uniques: UniqueConstraint[];
  checks: CheckConstraint[];
  foreignKeys: ForeignKey[];
  /** MySQL storage engine, SQLite WITHOUT ROWID / STRICT, PostgreSQL partitioning… */
  options?: Record<string, string>;
}

export interface Column {
  name: string;
  /** Normalised type name, lower case, with length/precision: `integer`, `varchar(80)`, `numeric(10,2)`, `text[]`. */
  type: string;
  nullable: boolean;
  /** Default expression as the engine prints it back, absent when there is none. */
  default?: string;
  /** Identity / auto-increment / SQLite INTEGER PRIMARY KEY rowid alias. */
  autoIncrement?: boolean;
  /** Generated column expression. */
  generated?: string;
  collation?: string;
  comment?: string;
  /** The type exactly as the engine reports it, before normalisation. */
  rawType?: string;
}

export interface PrimaryKey {
  name?: string;
  columns: string[];
}

export interface Index {
  name: string;
  columns: string[];
  unique: boolean;
  /** Partial index predicate. */
  where?: string;
  /** btree, hash, gin, gist, fulltext… */
  method?: string;
  /** Full definition as the engine prints it (PostgreSQL pg_get_indexdef), for exact comparison. */
  definition?: string;
}

export interface UniqueConstraint {
  name: string;
  columns: string[];
}

export interface CheckConstraint {
  name: string;
  expression: string;
  /** PostgreSQL NOT VALID constraints. */
  validated?: boolean;
}

export type ReferentialAction = 'no action' | 'restrict' | 'cascade' | 'set null' | 'set default';

export interface ForeignKey {
  name: string;
  columns: string[];
  referencedTable: string;
  referencedColumns: string[];
  onDelete: ReferentialAction;
  onUpdate: ReferentialAction;
  validated?: boolean;
}

export interface View {
  name: string;
  namespace?: string;
  definition: string;
  materialized?: boolean;
}

export interface EnumType {
  name: string;
  namespace?: string;
  values: string[];
}

export interface Sequence {
  name: string;
  namespace?: string;
  /** `table.column` when the sequence is owned by a column (serial / identity). */
  ownedBy?: string;
}

export function emptySchema(engine: Engine): Schema {
  return { engine, tables: [], views: [], enums: [], sequences: [] };
}

export function qualifiedName(object: { name: string; namespace?: string }): string {
  return object.namespace ? `${object.namespace}.${object.name}` : object.name;
}

export function findTable(schema: Schema, name: string): Table | undefined {
  return schema.tables.find((table) => qualifiedName(table) === name || table.name === name);
}

export function normaliseReferentialAction(text: string | null | undefined): ReferentialAction {
  const value = (text ?? '').toLowerCase().replace(/_/g, ' ').trim();
  switch (value) {
    case 'a':
    case 'no action':
    case '':
      return 'no action';
    case 'r':
    case 'restrict':
      return 'restrict';
    case 'c':
    case 'cascade':
      return 'cascade';
    case 'n':
    case 'set null':
      return 'set null';
    case 'd':
    case 'set default':
      return 'set default';
    default:
      return 'no action';
  }
}
