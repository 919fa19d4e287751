import { randomBytes } from 'node:crypto';
import type { Connection, ResultSetHeader } from 'mysql2/promise';
import { UserError } from '../errors.js';
import { introspectMysql } from '../schema/introspect/mysql.js';
import type { Schema } from '../schema/model.js';
import { assertDroppable, assertShadowServer, redact, SHADOW_PREFIX, type ShadowServerOptions } from './guard.js';
import type { ExecResult, ShadowDatabase, ShadowSnapshot } from './types.js';

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
}

export class MysqlShadow implements ShadowDatabase {
  readonly engine = 'mysql' as const;
  readonly kind = 'mysql-server' as const;
  readonly transactionalDdl = false;
  readonly description: string;
  private readonly created = new Set<string>();
  private closed = false;
  /** Rows the last ALTER copied (COPY algorithm), from the server's "Records: n" answer. */
  lastInfo: { affectedRows: number; info: string } | undefined;

  private constructor(
    private readonly connection: Connection,
    readonly database: string,
    serverUrl: URL,
  ) {
    this.description = `${database} on ${serverUrl.host} (created for this rehearsal, dropped afterwards)`;
    this.created.add(database);
  }

  static async open(options: MysqlShadowOptions): Promise<MysqlShadow> {
    const serverUrl = assertShadowServer(options.url, options);
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
    try {
      await connection.query(`CREATE DATABASE \`${database}\``);
      await connection.query(`USE \`${database}\``);
    } catch (error) {
      await connection.end().catch(() => undefined);
      throw new UserError(
        'shadow-create-failed',
        `Could not create the shadow database on ${redact(serverUrl)}: ${(error as Error).message}`,
        'Grant the shadow user CREATE and DROP on databases named dma_shadow_%.',
      );
    }
    return new MysqlShadow(connection, database, serverUrl);
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

  async close(): Promise<void> {
    if (this.closed) return;
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
