import type { Rule } from '../types.js';
import {
  batchedUpdateSql,
  fitName,
  ident,
  isExistingTable,
  LOCK_TIMEOUT_SQL,
  nodeAs,
  relationOf,
  step,
  unqualified,
} from './ast.js';

export const renameColumn: Rule = {
  meta: {
    id: 'rename-column',
    title: 'RENAME COLUMN',
    category: 'careful',
    defaultSeverity: 'error',
    engines: ['postgresql'],
    locks: [{ mode: 'ACCESS EXCLUSIVE', on: 'table', blocks: 'reads and writes' }],
    rewritesTable: false,
    scansTable: false,
    breaksOldCode: true,
    why: 'Application instances still running the previous release query the old column name and fail from the moment the rename commits until every instance is redeployed.',
    safeAlternative:
      'Expand and contract: add the new column, keep both in sync with a trigger, backfill, move the code to the new name, then drop the old column. (Or map the new name in the ORM and skip the rename.)',
    examples: {
      bad: 'ALTER TABLE users RENAME COLUMN name TO full_name;',
      good: 'ALTER TABLE users ADD COLUMN full_name text;\n-- sync trigger, batched backfill, deploy, then drop name',
    },
    peers: { squawk: 'renaming-column', strong_migrations: 'rename_column', atlas: 'BC102' },
  },
  appliesTo: ['RenameStmt'],
  check(context) {
    const rename = nodeAs(context.statement.ast, 'RenameStmt');
    if (
      rename?.renameType !== 'OBJECT_COLUMN' ||
      rename.relationType !== 'OBJECT_TABLE' ||
      !rename.subname ||
      !rename.newname
    )
      return [];
    const table = relationOf(rename.relation);
    if (!table || !isExistingTable(context, table.key)) return [];
    // A column this migration added (a temporary copy renamed into place): no running code uses its name.
    if (context.catalog.columnAddedInThisMigration(table.key, rename.subname)) return [];
    const bare = unqualified(table.key);
    const oldColumn = ident(rename.subname);
    const newColumn = ident(rename.newname);
    const known = context.catalog.columns(table.key)?.find((column) => column.name === rename.subname);
    const tableLiteral = table.display.replaceAll("'", "''");
    const addColumn = known
      ? `ALTER TABLE ${table.display} ADD COLUMN ${newColumn} ${known.type};`
      : [
          'DO $$',
          'BEGIN',
          `  EXECUTE format('ALTER TABLE ${tableLiteral} ADD COLUMN ${newColumn.replaceAll("'", "''")} %s',`,
          `    (SELECT format_type(atttypid, atttypmod) FROM pg_attribute WHERE attrelid = '${tableLiteral}'::regclass AND attname = '${rename.subname.replaceAll("'", "''")}'));`,
          'END $$;',
        ].join('\n');
    const fn = ident(fitName(`${bare}_${rename.newname}_sync`));
    return [
      {
        message: `Renaming ${table.display}.${rename.subname} to ${rename.newname} breaks every running instance that still uses the old name.`,
        table: table.display,
        fix: {
          summary: 'Expand/contract: new column + sync trigger + backfill, switch the code, drop the old column.',
          steps: [
            step('Add the new column with the same type (metadata-only).', `${LOCK_TIMEOUT_SQL}\n${addColumn}`),
            step(
              'Keep both names in sync while old and new code run side by side.',
              [
                `CREATE FUNCTION ${fn}() RETURNS trigger LANGUAGE plpgsql AS $$`,
                'BEGIN',
                `  IF TG_OP = 'INSERT' THEN`,
                `    NEW.${newColumn} := COALESCE(NEW.${newColumn}, NEW.${oldColumn});`,
                `    NEW.${oldColumn} := COALESCE(NEW.${oldColumn}, NEW.${newColumn});`,
                `  ELSIF NEW.${newColumn} IS DISTINCT FROM OLD.${newColumn} THEN`,
                `    NEW.${oldColumn} := NEW.${newColumn};`,
                '  ELSE',
                `    NEW.${newColumn} := NEW.${oldColumn};`,
                '  END IF;',
                '  RETURN NEW;',
                'END $$;',
                `CREATE TRIGGER ${fn} BEFORE INSERT OR UPDATE ON ${table.display} FOR EACH ROW EXECUTE FUNCTION ${fn}();`,
              ].join('\n'),
            ),
            step(
              'Copy existing values in batches, outside a transaction.',
              batchedUpdateSql(
                table.display,
                `${newColumn} = ${oldColumn}`,
                `${newColumn} IS DISTINCT FROM ${oldColumn}`,
              ),
              { outsideTransaction: true, separateMigration: true },
            ),
            step(
              `Deploy code that uses ${rename.newname} only; then drop the trigger and the old column in a later migration.`,
              `DROP TRIGGER ${fn} ON ${table.display};\nDROP FUNCTION ${fn}();\n${LOCK_TIMEOUT_SQL}\nALTER TABLE ${table.display} DROP COLUMN ${oldColumn};`,
              { separateMigration: true },
            ),
          ],
        },
      },
    ];
  },
};
