import type { Constraint } from 'libpg-query';
import { namesOf } from '../names.js';
import { partitionKeyOf } from '../state.js';
import type { Rule, RuleContext, RuleHit } from '../types.js';
import { alterTableOf, columnList, nodeAs, relationOf, step } from './ast.js';

/** A PRIMARY KEY, UNIQUE constraint or unique index the statement declares: its columns ('' for an expression). */
interface DeclaredKey {
  kind: string;
  columns: string[];
  /** Declared on one column (`id bigint PRIMARY KEY`): the fix declares it as a key of the table instead. */
  onColumn: boolean;
}

export const partitionedUniqueKey: Rule = {
  meta: {
    id: 'partitioned-unique-key',
    title: 'Unique key of a partitioned table without its partition key',
    category: 'careful',
    defaultSeverity: 'error',
    engines: ['postgresql'],
    locks: [],
    rewritesTable: false,
    scansTable: false,
    breaksOldCode: false,
    why: "Each partition enforces uniqueness on its own, so PostgreSQL accepts a primary key, unique constraint or unique index on a partitioned table only when it includes every partition key column (and none when the partition key has an expression): otherwise the statement fails with 'unique constraint on partitioned table must include all partitioning columns'.",
    safeAlternative:
      'Add the partition key columns to the key (PRIMARY KEY (id, created_at)); where a value must be unique across partitions, enforce it in a separate, unpartitioned table.',
    examples: {
      bad: 'CREATE TABLE events (id bigint PRIMARY KEY, created_at timestamptz NOT NULL) PARTITION BY RANGE (created_at);',
      good: 'CREATE TABLE events (id bigint, created_at timestamptz NOT NULL, PRIMARY KEY (id, created_at)) PARTITION BY RANGE (created_at);',
    },
  },
  appliesTo: ['CreateStmt', 'AlterTableStmt', 'IndexStmt'],
  check(context) {
    const target = partitionedTarget(context);
    if (!target) return [];
    const hits: RuleHit[] = [];
    for (const key of target.keys) {
      const missing = target.partitionKey.filter((column) => column === '' || !key.columns.includes(column));
      if (missing.length === 0) continue;
      const expression = missing.includes('');
      const keyColumns = [...key.columns, ...missing.filter((column) => column !== '')];
      hits.push({
        message: expression
          ? `${key.kind} on ${target.table} fails: ${target.table} is partitioned by an expression, and PostgreSQL allows no unique key on such a table.`
          : `${key.kind} (${key.columns.join(', ')}) on ${target.table} fails: it leaves out the partition key column${missing.length > 1 ? 's' : ''} ${missing.join(', ')}, and PostgreSQL requires a unique key of a partitioned table to include them all.`,
        table: target.table,
        ...(expression
          ? {}
          : {
              fix: {
                summary: `Include ${missing.join(', ')} in the key.`,
                steps: [
                  step(
                    key.onColumn
                      ? `Declare the table without the column's ${key.kind}, then add the key over the partition key too.`
                      : `The same ${key.kind} over the partition key too.`,
                    key.onColumn
                      ? `ALTER TABLE ${target.table} ADD ${key.kind} (${columnList(keyColumns)});`
                      : widenedKeySql(context.statement.sql, key, keyColumns),
                  ),
                ],
              },
            }),
      });
    }
    return hits;
  },
};

/** The statement with the declared key's column list widened, when it is written as `KIND (…)`. */
function widenedKeySql(sql: string, key: DeclaredKey, columns: string[]): string {
  const keyword = key.kind === 'unique index' ? 'ON[^(]*' : key.kind.replace(' ', '\\s+');
  const pattern = new RegExp(`(${keyword}\\s*)\\(([^()]*)\\)`, 'i');
  const widened = sql.trim().replace(pattern, (_, head: string) => `${head}(${columnList(columns)})`);
  return `${widened};`;
}

/** The partitioned table the statement declares unique keys on, with its partition key and those keys. */
function partitionedTarget(
  context: RuleContext,
): { table: string; partitionKey: readonly string[]; keys: DeclaredKey[] } | undefined {
  const ast = context.statement.ast;
  const create = nodeAs(ast, 'CreateStmt');
  if (create) {
    const table = relationOf(create.relation);
    if (!create.partspec || !table) return undefined;
    const keys: DeclaredKey[] = [];
    for (const element of create.tableElts ?? []) {
      const column = nodeAs(element, 'ColumnDef');
      for (const item of column?.constraints ?? []) {
        const kind = keyKind(nodeAs(item, 'Constraint'));
        if (kind && column?.colname) keys.push({ kind, columns: [column.colname], onColumn: true });
      }
      const constraint = nodeAs(element, 'Constraint');
      const kind = keyKind(constraint);
      if (kind) keys.push({ kind, columns: namesOf(constraint?.keys), onColumn: false });
    }
    return { table: table.display, partitionKey: partitionKeyOf(create.partspec), keys };
  }
  const index = nodeAs(ast, 'IndexStmt');
  if (index) {
    const table = relationOf(index.relation);
    const partitionKey = table ? context.catalog.partitionKey(table.key) : undefined;
    if (!index.unique || !table || !partitionKey) return undefined;
    const columns = (index.indexParams ?? []).map((param) => nodeAs(param, 'IndexElem')?.name ?? '');
    return { table: table.display, partitionKey, keys: [{ kind: 'unique index', columns, onColumn: false }] };
  }
  const altered = alterTableOf(context);
  const partitionKey = altered ? context.catalog.partitionKey(altered.table.key) : undefined;
  if (!altered || !partitionKey) return undefined;
  const keys: DeclaredKey[] = [];
  for (const cmd of altered.cmds) {
    const column = cmd.subtype === 'AT_AddColumn' ? nodeAs(cmd.def, 'ColumnDef') : undefined;
    for (const item of column?.constraints ?? []) {
      const kind = keyKind(nodeAs(item, 'Constraint'));
      if (kind && column?.colname) keys.push({ kind, columns: [column.colname], onColumn: true });
    }
    const constraint = cmd.subtype === 'AT_AddConstraint' ? nodeAs(cmd.def, 'Constraint') : undefined;
    const kind = keyKind(constraint);
    // USING INDEX names an index whose columns are checked where it was created.
    if (kind && !constraint?.indexname) keys.push({ kind, columns: namesOf(constraint?.keys), onColumn: false });
  }
  return { table: altered.table.display, partitionKey, keys };
}

function keyKind(constraint: Constraint | undefined): string | undefined {
  if (constraint?.contype === 'CONSTR_PRIMARY') return 'PRIMARY KEY';
  if (constraint?.contype === 'CONSTR_UNIQUE') return 'UNIQUE';
  return undefined;
}
