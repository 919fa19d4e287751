import type { Node } from 'libpg-query';
import { relationKey } from './names.js';

/** A foreign key the migration added, as the end-of-migration rules read it (MigrationEndContext.foreignKeys). */
interface AddedForeignKey {
  table: string;
  columns: string[];
  references: string;
}

/**
 * A table or column renamed after a foreign key was added keeps the key: the foreign keys recorded so far follow
 * the rename, so the end of the migration looks for the index under the names the schema has then.
 */
export function followRename(foreignKeys: AddedForeignKey[], ast: Node): void {
  if (foreignKeys.length === 0) return;
  if ('RenameStmt' in ast) {
    const stmt = ast.RenameStmt;
    const key = relationKey(stmt.relation);
    if (!key || !stmt.newname) return;
    if (stmt.renameType === 'OBJECT_TABLE') {
      moveTable(foreignKeys, key, `${key.slice(0, key.indexOf('.'))}.${stmt.newname}`);
    } else if (stmt.renameType === 'OBJECT_COLUMN' && stmt.subname) {
      for (const foreignKey of foreignKeys)
        if (foreignKey.table === key)
          foreignKey.columns = foreignKey.columns.map((column) =>
            column === stmt.subname ? (stmt.newname as string) : column,
          );
    }
  } else if ('AlterObjectSchemaStmt' in ast) {
    const stmt = ast.AlterObjectSchemaStmt;
    const key = relationKey(stmt.relation);
    if (key && stmt.newschema && stmt.objectType === 'OBJECT_TABLE')
      moveTable(foreignKeys, key, `${stmt.newschema}.${key.slice(key.indexOf('.') + 1)}`);
  }
}

function moveTable(foreignKeys: AddedForeignKey[], from: string, to: string): void {
  for (const foreignKey of foreignKeys) {
    if (foreignKey.table === from) foreignKey.table = to;
    if (foreignKey.references === from) foreignKey.references = to;
  }
}
