import { randomBytes } from 'node:crypto';
import type pg from 'pg';
import { UserError } from '../errors.js';
import { introspectPostgres } from '../schema/introspect/postgres.js';
import type { Schema } from '../schema/model.js';
import { abandonedTemplates, baselineTemplateName, releaseBaselinesAtExit } from './baseline-cache.js';
import {
  assertDroppable,
  assertShadowServer,
  redact,
  SHADOW_PREFIX,
  type ShadowServer,
  type ShadowServerOptions,
  TEMPLATE_PREFIX,
} from './guard.js';
import type { BaselineImage, ExecResult, ShadowDatabase, ShadowSnapshot } from './types.js';

/**
 * A fresh database `dma_shadow_<random>` created on a PostgreSQL server the user named as shadow. The tool
 * connects to the URL's database only to CREATE and DROP its own databases; it never writes there. Snapshots are
 * template databases. Every database created is dropped on close, also after a failure or a cancellation.
 */

interface PostgresSnapshot extends ShadowSnapshot {
  readonly kind: 'postgres-server';
  readonly database: string;
}

export interface PostgresShadowOptions extends ShadowServerOptions {
  url: string;
  connectTimeoutMs?: number;
  /** A template database this process created (a cached baseline): the new shadow starts as its copy. */
  template?: string;
}

type PgClient = pg.Client;

export class PostgresShadow implements ShadowDatabase {
  readonly engine = 'postgresql' as const;
  readonly kind = 'postgres-server' as const;
  readonly transactionalDdl = true;
  readonly description: string;
  private readonly created = new Set<string>();
  private closing: Promise<void> | undefined;

  private constructor(
    private readonly admin: PgClient,
    private client: PgClient,
    readonly database: string,
    private readonly server: ShadowServer,
    private readonly timeoutMs: number,
    private readonly options: PostgresShadowOptions,
  ) {
    this.description = `${database} on ${server.where} (created for this rehearsal, dropped afterwards)`;
    this.created.add(database);
  }

  static async open(options: PostgresShadowOptions): Promise<PostgresShadow> {
    const server = assertShadowServer(options.url, options);
    const serverUrl = server.url;
    const timeoutMs = options.connectTimeoutMs ?? 10_000;
    const admin = await connect(serverUrl.href, timeoutMs, options.url);
    const database = `${SHADOW_PREFIX}${randomBytes(6).toString('hex')}`;
    if (options.template) assertDroppable(options.template);
    try {
      await admin.query(`CREATE DATABASE ${database}${options.template ? ` TEMPLATE ${options.template}` : ''}`);
    } catch (error) {
      await admin.end().catch(() => undefined);
      throw new UserError(
        'shadow-create-failed',
        `Could not create the shadow database on ${redact(serverUrl)}: ${(error as Error).message}`,
        'Give the shadow user the CREATEDB privilege, or use the embedded PGlite shadow (omit the shadow URL).',
      );
    }
    let client: PgClient;
    try {
      client = await connect(databaseUrl(serverUrl, database), timeoutMs, options.url);
    } catch (error) {
      await admin.query(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`).catch(() => undefined);
      await admin.end().catch(() => undefined);
      throw error;
    }
    return new PostgresShadow(admin, client, database, server, timeoutMs, options);
  }

  async exec(sql: string): Promise<ExecResult> {
    const result = (await this.client.query(sql)) as pg.QueryResult | pg.QueryResult[];
    const results = Array.isArray(result) ? result : [result];
    let rows: number | undefined;
    for (const item of results) {
      if (typeof item.rowCount === 'number' && ['INSERT', 'UPDATE', 'DELETE', 'MERGE', 'COPY'].includes(item.command))
        rows = (rows ?? 0) + item.rowCount;
    }
    return rows === undefined ? {} : { rowsAffected: rows };
  }

  async query<Row extends Record<string, unknown>>(sql: string, params?: unknown[]): Promise<Row[]> {
    const result = await this.client.query<Row>(sql, params);
    return result.rows;
  }

  async begin(): Promise<void> {
    await this.client.query('BEGIN');
  }
  async commit(): Promise<void> {
    await this.client.query('COMMIT');
  }
  async rollback(): Promise<void> {
    await this.client.query('ROLLBACK');
  }

  async snapshot(): Promise<PostgresSnapshot> {
    const name = `${this.database}_s${this.created.size}`;
    await this.client.end();
    this.created.add(name);
    await this.admin.query(`CREATE DATABASE ${name} TEMPLATE ${this.database}`);
    this.client = await connect(databaseUrl(this.server.url, this.database), this.timeoutMs);
    return { kind: 'postgres-server', label: `template database ${name}`, database: name };
  }

  /**
   * The current state as a cached baseline image: a template database `dma_shadow_tpl_<hash>_<pid>` that outlives
   * this shadow (its `close()` does not drop it); each later rehearsal starts as a copy of it. The image's
   * `release()` drops it, and so does the end of the process.
   */
  async captureBaseline(key: string): Promise<BaselineImage> {
    const template = baselineTemplateName(TEMPLATE_PREFIX, key);
    assertDroppable(template);
    await this.dropAbandonedTemplates();
    await this.client.end();
    try {
      await this.admin.query(`DROP DATABASE IF EXISTS ${template} WITH (FORCE)`);
      await this.admin.query(`CREATE DATABASE ${template} TEMPLATE ${this.database}`);
    } finally {
      this.client = await connect(databaseUrl(this.server.url, this.database), this.timeoutMs);
    }
    releaseBaselinesAtExit();
    const server = this.server.url;
    return {
      kind: 'postgres-server',
      bytes: 0,
      label: `template database ${template} on ${this.server.where}`,
      open: () => PostgresShadow.open({ ...this.options, template }),
      release: async () => {
        const admin = await connect(server.href, this.timeoutMs, redact(server));
        try {
          await admin.query(`DROP DATABASE IF EXISTS ${template} WITH (FORCE)`);
        } finally {
          await admin.end().catch(() => undefined);
        }
      },
    };
  }

  /** Drops templates whose creating process was killed before it could drop them (server on this machine only). */
  private async dropAbandonedTemplates(): Promise<void> {
    if (!this.server.local) return;
    const { rows } = await this.admin.query<{ datname: string }>(
      'SELECT datname FROM pg_database WHERE starts_with(datname, $1)',
      [TEMPLATE_PREFIX],
    );
    for (const name of abandonedTemplates(
      TEMPLATE_PREFIX,
      rows.map((row) => row.datname),
    )) {
      assertDroppable(name);
      await this.admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`).catch(() => undefined);
    }
  }

  async restore(snapshot: ShadowSnapshot): Promise<void> {
    const template = (snapshot as PostgresSnapshot).database;
    assertDroppable(this.database);
    await this.client.end().catch(() => undefined);
    await this.admin.query(`DROP DATABASE IF EXISTS ${this.database} WITH (FORCE)`);
    await this.admin.query(`CREATE DATABASE ${this.database} TEMPLATE ${template}`);
    this.client = await connect(databaseUrl(this.server.url, this.database), this.timeoutMs);
  }

  introspect(): Promise<Schema> {
    return introspectPostgres(this);
  }

  /** The databases this shadow created and has not dropped yet. */
  get createdDatabases(): string[] {
    return [...this.created];
  }

  /** Drops every database this shadow created; a second call waits for the first. */
  close(): Promise<void> {
    this.closing ??= this.dropCreated();
    return this.closing;
  }

  private async dropCreated(): Promise<void> {
    // Drop first: WITH (FORCE) ends the shadow's own session too, even in the middle of a statement that a
    // cancellation or time limit abandoned; ending the client first would wait for that statement.
    const ending = this.client;
    try {
      for (const name of [...this.created].reverse()) {
        assertDroppable(name);
        await this.admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
        this.created.delete(name);
      }
    } finally {
      await ending.end().catch(() => undefined);
      await this.admin.end().catch(() => undefined);
    }
  }
}

function databaseUrl(server: URL, database: string): string {
  const url = new URL(server.href);
  url.pathname = `/${database}`;
  return url.href;
}

async function connect(url: string, timeoutMs: number, shownUrl = url): Promise<PgClient> {
  const { default: pgModule } = await import('pg');
  const client = new pgModule.Client({ connectionString: url, connectionTimeoutMillis: timeoutMs });
  // A dropped connection must not crash the process; the next query reports it.
  client.on('error', () => undefined);
  try {
    await client.connect();
  } catch (error) {
    throw new UserError(
      'shadow-connect-failed',
      `Could not connect to the shadow PostgreSQL server ${redact(shownUrl)}: ${(error as Error).message}`,
      'Check that the server runs and the URL (user, password, host, port) is right, or omit the shadow URL to use PGlite.',
    );
  }
  return client;
}
