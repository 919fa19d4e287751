import { randomBytes } from 'node:crypto';
import type { Connection, ResultSetHeader } from 'mysql2/promise';
import { UserError } from '../errors.js';
import { introspectMysql } from '../schema/introspect/mysql.js';
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
 * A temporary database `dma_shadow_<random>` on a MySQL/MariaDB server named as shadow. DDL commits implicitly
 * on these engines, so nothing is rolled back by a transaction; snapshots are copies (structure replayed from
 * SHOW CREATE TABLE, rows copied) into another temporary database. All of them are dropped on close.
 */

interface MysqlSnapshot extends ShadowSnapshot {
  readonly kind: 'mysql-server';
  readonly database: string;
}

export interface MysqlShadowOptions extends ShadowServerOptions {
  url: string;
  connectTimeoutMs?: number;
  /** A template database this process created (a cached baseline): the new shadow starts as its copy. */
  template?: string;
}

export class MysqlShadow implements ShadowDatabase {
  readonly engine = 'mysql' as const;
  readonly kind = 'mysql-server' as const;
  readonly transactionalDdl = false;
  readonly description: string;
  private readonly created = new Set<string>();
  private closed = false;
  private closing: Promise<void> | undefined;
  /** Rows the last ALTER copied (COPY algorithm), from the server's "Records: n" answer. */
  lastInfo: { affectedRows: number; info: string } | undefined;

  private constructor(
    private readonly connection: Connection,
    readonly database: string,
    private readonly server: ShadowServer,
    private readonly options: MysqlShadowOptions,
  ) {
    this.description = `${database} on ${server.where} (created for this rehearsal, dropped afterwards)`;
    this.created.add(database);
  }

  static async open(options: MysqlShadowOptions): Promise<MysqlShadow> {
    const server = assertShadowServer(options.url, options);
    const serverUrl = server.url;
    const mysql = await import('mysql2/promise');
    let connection: Connection;
    try {
      connection = await mysql.createConnection({
        uri: serverUrl.href,
        connectTimeout: options.connectTimeoutMs ?? 10_000,
        multipleStatements: true,
        dateStrings: true,
        supportBigNumbers: true,
        bigNumberStrings: true,
      });
    } catch (error) {
      throw new UserError(
        'shadow-connect-failed',
        `Could not connect to the shadow MySQL/MariaDB server ${redact(serverUrl)}: ${(error as Error).message}`,
        'Check that the server runs and the URL (user, password, host, port) is right.',
      );
    }
    connection.on('error', () => undefined);
    const database = `${SHADOW_PREFIX}${randomBytes(6).toString('hex')}`;
    const shadow = new MysqlShadow(connection, database, server, options);
    try {
      if (options.template) {
        assertDroppable(options.template);
        await shadow.copyDatabase(options.template, database);
      } else await connection.query(`CREATE DATABASE \`${database}\``);
      await connection.query(`USE \`${database}\``);
    } catch (error) {
      await shadow.close().catch(() => undefined);
      throw new UserError(
        'shadow-create-failed',
        `Could not create the shadow database on ${redact(serverUrl)}: ${(error as Error).message}`,
        'Grant the shadow user CREATE and DROP on databases named dma_shadow_%.',
      );
    }
    return shadow;
  }

  async exec(sql: string): Promise<ExecResult> {
    const [result] = await this.connection.query(sql);
    const headers = (Array.isArray(result) ? result : [result]).filter(isHeader);
    if (headers.length === 0) return {};
    const rows = headers.reduce((sum, header) => sum + header.affectedRows, 0);
    this.lastInfo = { affectedRows: rows, info: headers.map((header) => header.info ?? '').join(' ') };
    return { rowsAffected: rows };
  }

  async query<Row extends Record<string, unknown>>(sql: string, params?: unknown[]): Promise<Row[]> {
    const [rows] = await this.connection.query(sql, params);
    return rows as Row[];
  }

  async begin(): Promise<void> {
    await this.connection.query('START TRANSACTION');
  }
  async commit(): Promise<void> {
    await this.connection.query('COMMIT');
  }
  async rollback(): Promise<void> {
    await this.connection.query('ROLLBACK');
  }

  async snapshot(): Promise<MysqlSnapshot> {
    const name = `${this.database}_s${this.created.size}`;
    this.created.add(name);
    await this.copyDatabase(this.database, name);
    return { kind: 'mysql-server', label: `copy ${name}`, database: name };
  }

  /**
   * The current state as a cached baseline image: a copy `dma_shadow_tpl_<hash>_<pid>` that outlives this shadow;
   * each later rehearsal starts as a copy of it (measured: ~150 ms against ~500 ms to replay 50 migrations and
   * fill their tables). The image's `release()` drops it, and so does the end of the process.
   */
  async captureBaseline(key: string): Promise<BaselineImage> {
    const template = baselineTemplateName(TEMPLATE_PREFIX, key);
    assertDroppable(template);
    await this.dropAbandonedTemplates();
    // The copy carries tables, rows and views only; a baseline with triggers, routines or events is not cached.
    const [extra] = await this.query<{ count: number | string }>(
      `SELECT (SELECT COUNT(*) FROM information_schema.TRIGGERS WHERE TRIGGER_SCHEMA = ?)
            + (SELECT COUNT(*) FROM information_schema.ROUTINES WHERE ROUTINE_SCHEMA = ?)
            + (SELECT COUNT(*) FROM information_schema.EVENTS WHERE EVENT_SCHEMA = ?) AS count`,
      [this.database, this.database, this.database],
    );
    if (Number(extra?.count ?? 0) > 0)
      throw new Error('the baseline has triggers, routines or events, which a copy does not carry');
    await this.connection.query(`DROP DATABASE IF EXISTS \`${template}\``);
    await this.copyDatabase(this.database, template);
    releaseBaselinesAtExit();
    const options = this.options;
    const server = this.server.url;
    return {
      kind: 'mysql-server',
      bytes: 0,
      label: `copy ${template} on ${this.server.where}`,
      open: () => MysqlShadow.open({ ...options, template }),
      release: async () => {
        const mysql = await import('mysql2/promise');
        const connection = await mysql.createConnection({
          uri: server.href,
          connectTimeout: options.connectTimeoutMs ?? 10_000,
        });
        try {
          await connection.query(`DROP DATABASE IF EXISTS \`${template}\``);
        } finally {
          await connection.end().catch(() => undefined);
        }
      },
    };
  }

  /** Drops copies whose creating process was killed before it could drop them (server on this machine only). */
  private async dropAbandonedTemplates(): Promise<void> {
    if (!this.server.local) return;
    const names = await this.query<{ name: string }>(
      'SELECT SCHEMA_NAME AS name FROM information_schema.SCHEMATA WHERE SCHEMA_NAME LIKE ?',
      [`${TEMPLATE_PREFIX.replaceAll('_', '\\_')}%`],
    );
    for (const name of abandonedTemplates(
      TEMPLATE_PREFIX,
      names.map((row) => row.name),
    )) {
      assertDroppable(name);
      await this.connection.query(`DROP DATABASE IF EXISTS \`${name}\``).catch(() => undefined);
    }
  }

  async restore(snapshot: ShadowSnapshot): Promise<void> {
    const source = (snapshot as MysqlSnapshot).database;
    assertDroppable(this.database);
    await this.connection.query(`DROP DATABASE IF EXISTS \`${this.database}\``);
    await this.copyDatabase(source, this.database);
    await this.connection.query(`USE \`${this.database}\``);
  }

  private async copyDatabase(from: string, to: string): Promise<void> {
    await this.connection.query(`CREATE DATABASE \`${to}\``);
    const tables = await this.query<{ name: string; type: string }>(
      `SELECT TABLE_NAME AS name, TABLE_TYPE AS type FROM information_schema.TABLES WHERE TABLE_SCHEMA = ? ORDER BY TABLE_NAME`,
      [from],
    );
    await this.connection.query('SET FOREIGN_KEY_CHECKS = 0');
    try {
      for (const table of tables.filter((row) => row.type === 'BASE TABLE')) {
        const [rows] = await this.connection.query(`SHOW CREATE TABLE \`${from}\`.\`${table.name}\``);
        const create = String((rows as Record<string, unknown>[])[0]?.['Create Table'] ?? '');
        await this.connection.query(`USE \`${to}\``);
        await this.connection.query(create);
        await this.connection.query(
          `INSERT INTO \`${to}\`.\`${table.name}\` SELECT * FROM \`${from}\`.\`${table.name}\``,
        );
      }
      for (const view of tables.filter((row) => row.type === 'VIEW')) {
        const [rows] = await this.connection.query(`SHOW CREATE VIEW \`${from}\`.\`${view.name}\``);
        const create = String((rows as Record<string, unknown>[])[0]?.['Create View'] ?? '').replaceAll(
          `\`${from}\`.`,
          '',
        );
        await this.connection.query(`USE \`${to}\``);
        await this.connection.query(create);
      }
    } finally {
      await this.connection.query('SET FOREIGN_KEY_CHECKS = 1');
      await this.connection.query(`USE \`${this.database}\``).catch(() => undefined);
    }
  }

  introspect(): Promise<Schema> {
    return introspectMysql(this);
  }

  get createdDatabases(): string[] {
    return [...this.created];
  }

  /**
   * Stops the statement running now (KILL QUERY from a second connection): the DROP DATABASE of close() would
   * otherwise wait behind it, and behind the metadata lock a running ALTER holds.
   */
  async interrupt(): Promise<void> {
    if (this.closed) return;
    const mysql = await import('mysql2/promise');
    const killer = await mysql.createConnection({
      uri: this.server.url.href,
      connectTimeout: this.options.connectTimeoutMs ?? 10_000,
    });
    try {
      await killer.query(`KILL QUERY ${Number(this.connection.threadId)}`);
    } finally {
      await killer.end().catch(() => undefined);
    }
  }

  /** Drops every database this shadow created; a second call waits for the first. */
  close(): Promise<void> {
    this.closing ??= this.dropCreated();
    return this.closing;
  }

  private async dropCreated(): Promise<void> {
    this.closed = true;
    try {
      for (const name of [...this.created].reverse()) {
        assertDroppable(name);
        await this.connection.query(`DROP DATABASE IF EXISTS \`${name}\``);
        this.created.delete(name);
      }
    } finally {
      await this.connection.end().catch(() => undefined);
    }
  }
}

function isHeader(value: unknown): value is ResultSetHeader {
  return typeof value === 'object' && value !== null && 'affectedRows' in value;
}
