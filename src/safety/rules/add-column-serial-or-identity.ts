import type { Rule, RuleHit } from '../types.js';
import {
  alterTableOf,
  batchedUpdateSql,
  columnConstraints,
  columnDefOf,
  fitName,
  ident,
  isExistingTable,
  LOCK_TIMEOUT_SQL,
  notNullViaCheckSteps,
  SERIAL_TYPES,
  severityForSize,
  sizeNote,
  step,
  typeText,
  unqualified,
} from './ast.js';

export const addColumnSerialOrIdentity: Rule = {
  meta: {
    id: 'add-column-serial-or-identity',
    title: 'serial/bigserial/identity column added to an existing table',
    category: 'safe',
    defaultSeverity: 'warning',
    engines: ['postgresql'],
    locks: [{ mode: 'ACCESS EXCLUSIVE', on: 'table', blocks: 'reads and writes' }],
    rewritesTable: true,
    scansTable: true,
    breaksOldCode: false,
    why: 'A serial or identity column draws a sequence value for every existing row, which is a volatile default: PostgreSQL rewrites the whole table under ACCESS EXCLUSIVE.',
    safeAlternative:
      'Add a plain bigint column, attach a sequence as its default for new rows, backfill old rows in batches with nextval(), then enforce NOT NULL through a validated CHECK.',
    examples: {
      bad: 'ALTER TABLE events ADD COLUMN seq bigserial;',
      good: "CREATE SEQUENCE events_seq_seq;\nALTER TABLE events ADD COLUMN seq bigint;\nALTER TABLE events ALTER COLUMN seq SET DEFAULT nextval('events_seq_seq');\n-- then a batched backfill",
    },
    peers: { strong_migrations: 'add_column_auto_incrementing', eugene: 'E11' },
  },
  appliesTo: ['AlterTableStmt'],
  check(context) {
    const altered = alterTableOf(context);
    if (!altered || !isExistingTable(context, altered.table.key)) return [];
    const { table } = altered;
    const bare = unqualified(table.key);
    const hits: RuleHit[] = [];
    for (const cmd of altered.cmds) {
      const def = cmd.subtype === 'AT_AddColumn' ? columnDefOf(cmd) : undefined;
      if (!def?.colname) continue;
      const type = typeText(def.typeName);
      const identity = columnConstraints(def).some((item) => item.contype === 'CONSTR_IDENTITY');
      if (!SERIAL_TYPES.has(type) && !identity) continue;
      const column = ident(def.colname);
      const small = type === 'smallserial' || type === 'serial2';
      const columnType = identity
        ? type
        : small
          ? 'smallint'
          : type === 'serial' || type === 'serial4'
            ? 'integer'
            : 'bigint';
      const sequence = fitName(`${bare}_${def.colname}_seq`);
      const sequenceSql = table.display.includes('.')
        ? `${table.display.split('.')[0]}.${ident(sequence)}`
        : ident(sequence);
      hits.push({
        message: `${identity ? 'Identity' : type} column ${table.display}.${def.colname} fills every existing row from a sequence, rewriting ${table.display}${sizeNote(context, table.key)} under ACCESS EXCLUSIVE.`,
        table: table.display,
        severity: severityForSize(context, table.key),
        fix: {
          summary: 'Plain column + sequence default for new rows + batched nextval() backfill + NOT NULL via CHECK.',
          steps: [
            step(
              'Create the sequence and add the column with no default (metadata-only).',
              `CREATE SEQUENCE ${sequenceSql} AS ${columnType === 'integer' || columnType === 'int4' ? 'integer' : columnType} OWNED BY NONE;\n${LOCK_TIMEOUT_SQL}\nALTER TABLE ${table.display} ADD COLUMN ${column} ${columnType};\nALTER SEQUENCE ${sequenceSql} OWNED BY ${table.display}.${column};`,
            ),
            step(
              'New rows take the next value (metadata-only).',
              `ALTER TABLE ${table.display} ALTER COLUMN ${column} SET DEFAULT nextval('${sequenceSql}');`,
            ),
            step(
              'Number existing rows in batches, outside a transaction.',
              batchedUpdateSql(table.display, `${column} = nextval('${sequenceSql}')`, `${column} IS NULL`),
              { outsideTransaction: true, separateMigration: true },
            ),
            ...notNullViaCheckSteps(table, def.colname).map((item) => ({ ...item, separateMigration: true })),
          ],
        },
      });
    }
    return hits;
  },
};
