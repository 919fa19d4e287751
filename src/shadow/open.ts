import { UserError } from '../errors.js';
import type { Engine } from '../model.js';
import type { ShadowDatabase, ShadowEngine } from './types.js';

export interface OpenShadowOptions {
  engine: ShadowEngine;
  /**
   * A server the user named as shadow (`SHADOW_DATABASE_URL` or an explicit option). PostgreSQL defaults to the
   * embedded PGlite and SQLite to memory; MySQL/MariaDB has no embedded engine and needs a server.
   */
  shadowUrl?: string;
  /** Where the URL came from, for messages. */
  shadowUrlSource?: string;
  allowRemoteShadow?: boolean;
  /** Extensions the SQL to run creates: the embedded PGlite loads the ones it ships when it starts. */
  extensions?: readonly string[];
}

/** Picks and opens the adapter for an engine. Adapters are imported lazily: PGlite's WASM loads only when used. */
export async function openShadow(options: OpenShadowOptions): Promise<ShadowDatabase> {
  const common = {
    ...(options.allowRemoteShadow ? { allowRemoteShadow: true } : {}),
    ...(options.shadowUrlSource ? { source: options.shadowUrlSource } : {}),
  };
  switch (options.engine) {
    case 'postgresql': {
      if (options.shadowUrl) {
        assertScheme(options.shadowUrl, ['postgres:', 'postgresql:'], 'postgresql');
        const { PostgresShadow } = await import('./postgres.js');
        return PostgresShadow.open({ url: options.shadowUrl, ...common });
      }
      const { PgliteShadow } = await import('./pglite.js');
      return PgliteShadow.open(options.extensions?.length ? { extensions: options.extensions } : {});
    }
    case 'mysql': {
      if (!options.shadowUrl) {
        throw new UserError(
          'shadow-url-required',
          'A MySQL/MariaDB rehearsal needs a server to create its temporary database on; none was named.',
          'Set SHADOW_DATABASE_URL=mysql://user@127.0.0.1:3306/any (a local or disposable server) or pass shadowUrl / --shadow-url.',
        );
      }
      assertScheme(options.shadowUrl, ['mysql:', 'mariadb:'], 'mysql');
      const { MysqlShadow } = await import('./mysql.js');
      return MysqlShadow.open({ url: options.shadowUrl.replace(/^mariadb:/, 'mysql:'), ...common });
    }
    case 'sqlite': {
      const { SqliteShadow } = await import('./sqlite.js');
      return SqliteShadow.open();
    }
  }
}

function assertScheme(url: string, schemes: string[], engine: string): void {
  const scheme = /^[a-z]+:/i.exec(url)?.[0]?.toLowerCase() ?? '';
  if (!schemes.includes(scheme)) {
    throw new UserError(
      'shadow-url-engine',
      `The shadow URL uses "${scheme || '?'}" but the rehearsal engine is ${engine}.`,
      `Pass a ${schemes[0]}// URL, or choose the engine that matches the server.`,
    );
  }
}

/** Maps a project's engine to the shadow that can rehearse it. */
export function shadowEngineFor(engine: Engine | string | undefined): ShadowEngine {
  switch (engine) {
    case undefined:
    case 'postgresql':
    case 'postgres':
    case 'cockroachdb':
      return 'postgresql';
    case 'mysql':
    case 'mariadb':
      return 'mysql';
    case 'sqlite':
      return 'sqlite';
    default:
      throw new UserError(
        'engine-not-rehearsable',
        `Rehearsal does not support the ${engine} engine.`,
        'Rehearse PostgreSQL, MySQL/MariaDB or SQLite migrations (engine: postgresql | mysql | sqlite).',
      );
  }
}
