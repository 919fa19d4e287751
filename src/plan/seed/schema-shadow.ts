import { diffSchemas } from '../../schema/diff/diff.js';
import type { Schema } from '../../schema/model.js';
import { openShadow, shadowEngineFor } from '../../shadow/open.js';
import type { ShadowDatabase } from '../../shadow/types.js';

/**
 * A fresh shadow holding the schema the seed targets, built from the schema model itself (the diff from nothing
 * to it), so every kind of source — migrations, SQL, Prisma, a database — lands on the same kind of shadow.
 */
export async function shadowWithSchema(schema: Schema, shadowUrl: string | undefined): Promise<ShadowDatabase> {
  const engine = shadowEngineFor(schema.engine);
  const extensions = (schema.extensions ?? []).map((extension) => extension.name).filter((name) => name !== 'plpgsql');
  const db =
    engine === 'postgresql' && !shadowUrl && extensions.length > 0
      ? await (await import('../../shadow/pglite.js')).PgliteShadow.open({ extensions })
      : await openShadow({ engine, ...(shadowUrl ? { shadowUrl } : {}) });
  try {
    const empty: Schema = { engine: schema.engine, tables: [], views: [], enums: [], sequences: [] };
    const diff = diffSchemas(empty, {
      ...schema,
      views: [],
      triggers: [],
      policies: [],
      routines: schema.routines ?? [],
    });
    for (const operation of diff.operations) for (const statement of operation.sql) await db.exec(statement);
    return db;
  } catch (error) {
    await db.close();
    throw error;
  }
}
