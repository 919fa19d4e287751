import type { Engine } from '../../model.js';

/** A value of a seed row: what every writer can print and every driver can bind. */
export type SeedValue = string | number | boolean | null | SeedValue[] | { [key: string]: SeedValue };

/** What decides a column's values: parsed from the schema and the table's CHECK constraints. */
export interface ColumnRules {
  /** Only these values are allowed (enum, CHECK … IN, CHECK col = ANY (ARRAY[…])). */
  allowed?: SeedValue[];
  min?: number;
  max?: number;
  minExclusive?: boolean;
  maxExclusive?: boolean;
  minLength?: number;
  maxLength?: number;
  /** The column must hold valid JSON (MariaDB's JSON is LONGTEXT with CHECK (json_valid(col))). */
  json?: boolean;
}

export interface SeedColumn {
  name: string;
  /** The schema's normalised type (`varchar(80)`, `numeric(8,2)`, `int4`, `text[]`, `order_status`). */
  type: string;
  /** What the generator writes into it. */
  kind: ColumnKind;
}

export type ColumnKind =
  | 'integer'
  | 'decimal'
  | 'float'
  | 'boolean'
  | 'text'
  | 'uuid'
  | 'date'
  | 'timestamp'
  | 'time'
  | 'json'
  | 'array'
  | 'enum';

export interface SeedTable {
  name: string;
  /** The columns the rows set, in table order; generated and database-filled columns are absent. */
  columns: SeedColumn[];
  rows: Record<string, SeedValue>[];
  /** Why the table is seeded: asked for, or a parent of one that was. */
  reason: 'requested' | 'parent';
  /** Auto-increment columns given explicit values because child rows reference them (sequence reset after). */
  explicitIds: string[];
  /** PostgreSQL identity columns declared GENERATED ALWAYS among explicitIds (need OVERRIDING SYSTEM VALUE). */
  overridingSystemValue: boolean;
}

export interface SeedPlan {
  engine: Engine;
  seed: number;
  /** Tables in insert order: parents first. */
  tables: SeedTable[];
  /** Statements to run after the inserts (PostgreSQL sequences moved past explicit ids). */
  after: string[];
  notes: string[];
}
