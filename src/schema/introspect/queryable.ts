/** The one thing an introspector needs from a connection: run a read query and get rows back. */
export interface Queryable {
  query<Row extends Record<string, unknown> = Record<string, unknown>>(sql: string, params?: unknown[]): Promise<Row[]>;
}
