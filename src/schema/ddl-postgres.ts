import { diffSchemas } from './diff/diff.js';
import type { Schema } from './model.js';
import { emptySchema } from './model.js';

/**
 * PostgreSQL DDL that recreates a schema model: the diff from an empty database to it, so every object the model
 * holds (types, sequences, tables, keys, indexes, routines, views, triggers, policies, comments) is created in
 * dependency order. Used to copy the structure of a real database (read over a read-only connection) into a
 * shadow; types are the catalog's own spelling (format_type), so they round-trip exactly.
 */
export function postgresDdl(schema: Schema): string[] {
  return diffSchemas(emptySchema('postgresql'), schema).operations.flatMap((operation) => operation.sql);
}
