/**
 * Row counts of a PostgreSQL database as the planner estimates them (pg_class.reltuples): instant on any size,
 * read without touching the tables. Tables, partitioned tables, materialized views and foreign tables of every
 * user schema. A table never analyzed has no estimate (reltuples is -1 on PostgreSQL 14+), which is not zero.
 */

export interface PlannerRowEstimate {
  schema: string;
  table: string;
  /** Undefined when PostgreSQL has no statistics for the table yet. */
  rows: number | undefined;
}

/** What the estimate needs of a connection: node-postgres' Client and Pool both fit. */
export interface RowEstimateQueryable {
  query<Row extends Record<string, unknown>>(sql: string): Promise<{ rows: Row[] }>;
}

export async function readPlannerRowEstimates(client: RowEstimateQueryable): Promise<PlannerRowEstimate[]> {
  const result = await client.query<{ schema: string; table: string; rows: string }>(
    `SELECT n.nspname AS schema, c.relname AS table, c.reltuples::bigint::text AS rows
       FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
      WHERE c.relkind IN ('r', 'p', 'm', 'f')
        AND n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname NOT LIKE 'pg\\_toast%'`,
  );
  return result.rows.map((row) => {
    const rows = Number(row.rows);
    return { schema: row.schema, table: row.table, rows: rows >= 0 ? rows : undefined };
  });
}
