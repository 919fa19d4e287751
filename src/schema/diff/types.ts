/**
 * What a schema diff returns: ordered operations (each with its risk, the hazards behind it and its SQL) and the
 * questions it could not answer alone (likely renames). The caller answers a question by passing `renames`.
 */

export type Safety = 'safe' | 'careful' | 'dangerous';

export type OperationKind =
  | 'create-schema'
  | 'drop-schema'
  | 'create-extension'
  | 'alter-extension'
  | 'drop-extension'
  | 'create-enum'
  | 'add-enum-value'
  | 'recreate-enum'
  | 'drop-enum'
  | 'create-domain'
  | 'alter-domain'
  | 'drop-domain'
  | 'create-sequence'
  | 'alter-sequence'
  | 'drop-sequence'
  | 'rename-table'
  | 'rename-column'
  | 'create-table'
  | 'drop-table'
  | 'rebuild-table'
  | 'alter-table'
  | 'add-column'
  | 'drop-column'
  | 'alter-column'
  | 'add-constraint'
  | 'drop-constraint'
  | 'create-index'
  | 'drop-index'
  | 'create-view'
  | 'drop-view'
  | 'create-routine'
  | 'replace-routine'
  | 'drop-routine'
  | 'create-trigger'
  | 'drop-trigger'
  | 'create-policy'
  | 'drop-policy'
  | 'comment'
  | 'grant'
  | 'revoke';

/**
 * Hazards use the vocabulary of validate_safety: what the step does to a live database, not a verdict.
 * - `data-loss`: rows or values are deleted and cannot be restored from the schema alone
 * - `table-rewrite`: every row is rewritten while an ACCESS EXCLUSIVE lock is held
 * - `blocks-writes` / `blocks-reads`: the lock taken stops writers / everyone for the step's duration
 * - `full-table-scan`: the step reads every row to validate (NOT NULL, CHECK, FOREIGN KEY, UNIQUE)
 * - `may-fail-on-data`: existing rows can make the step fail (NULLs, duplicates, orphans, out of range)
 * - `dependent-objects`: views or other objects are dropped and recreated around the step
 * - `not-transactional`: the step cannot run inside a transaction block
 */
export type Hazard =
  | 'data-loss'
  | 'table-rewrite'
  | 'blocks-writes'
  | 'blocks-reads'
  | 'full-table-scan'
  | 'may-fail-on-data'
  | 'dependent-objects'
  | 'not-transactional';

export interface SchemaOperation {
  kind: OperationKind;
  /** The object changed: `users`, `users.email`, `users.users_email_key`, `view active_users`… */
  object: string;
  safety: Safety;
  /** One sentence: why this category. */
  reason: string;
  hazards: Hazard[];
  /** What data this step destroys, when it destroys any: the point of no return. */
  dataLoss?: string;
  /** Statements for the schema's engine, in order, without trailing semicolons. */
  sql: string[];
}

/** A column or table that looks renamed: the diff asks instead of guessing. */
export interface RenameQuestion {
  kind: 'table' | 'column';
  /** Table holding the column (columns only). */
  table?: string;
  from: string;
  to: string;
  /** Why it looks like a rename. */
  evidence: string[];
  /** The answer to pass back to get `RENAME` instead of drop + add. */
  answer: RenameAnswer;
}

/** `{ table, from, to }` renames a column of `table`; without `table` it renames the table `from` to `to`. */
export interface RenameAnswer {
  table?: string;
  from: string;
  to: string;
}

export interface SchemaDiff {
  operations: SchemaOperation[];
  questions: RenameQuestion[];
  /** Counts by category. */
  summary: Record<Safety, number>;
  /** Facts the engine's SQL cannot express and the caller must handle (e.g. SQLite limits). */
  notes: string[];
}
