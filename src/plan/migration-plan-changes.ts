import type { AlterTableCmd, ColumnDef, Constraint, Node } from 'libpg-query';
import type { Migration } from '../model.js';
import { columnInfo, nodeType } from '../safety/ast.js';
import { displayTable, namesOf, relationDisplay } from '../safety/names.js';
import { columnConstraints, nodeAs } from '../safety/rules/ast.js';
import { parsePostgres } from '../sql/postgres.js';
import type { PlanChange } from './migration-plan-types.js';

/**
 * The plan's changes table — action, table, column, details — read from each up statement: from PostgreSQL's
 * own parse tree when the engine is PostgreSQL, from the statement's leading words elsewhere.
 */

type Row = Omit<PlanChange, 'migration' | 'statement'>;

const NONE = '—';

export async function changesOf(migration: Migration, postgres: boolean): Promise<PlanChange[]> {
  const changes: PlanChange[] = [];
  for (const [index, statement] of migration.up.entries()) {
    const rows = postgres ? await parsedRows(statement.sql) : wordRows(statement.sql);
    for (const row of rows) changes.push({ migration: migration.id, statement: index + 1, ...row });
  }
  return changes;
}

async function parsedRows(sql: string): Promise<Row[]> {
  let parsed: Awaited<ReturnType<typeof parsePostgres>>;
  try {
    parsed = await parsePostgres(sql);
  } catch {
    return wordRows(sql);
  }
  return parsed.flatMap((statement) => rowsOfNode(statement.ast, sql));
}

function rowsOfNode(ast: Node, sql: string): Row[] {
  const create = nodeAs(ast, 'CreateStmt');
  if (create) {
    const table = relationDisplay(create.relation) ?? '?';
    const columns = (create.tableElts ?? []).flatMap((item) => {
      const def = nodeAs(item, 'ColumnDef');
      return def ? [def] : [];
    });
    return [
      {
        action: 'CREATE TABLE',
        table,
        column: NONE,
        details: `New table: ${columns.map((def) => `${def.colname} ${columnInfo(def).type}`).join(', ')}`,
      },
    ];
  }
  const alter = nodeAs(ast, 'AlterTableStmt');
  if (alter) {
    const table = relationDisplay(alter.relation) ?? '?';
    return (alter.cmds ?? []).flatMap((item) => {
      const cmd = nodeAs(item, 'AlterTableCmd');
      return cmd ? [alterRow(table, cmd)] : [];
    });
  }
  const index = nodeAs(ast, 'IndexStmt');
  if (index) {
    const columns = (index.indexParams ?? []).map((param) => nodeAs(param, 'IndexElem')?.name ?? 'expression');
    return [
      {
        action: index.unique ? 'ADD UNIQUE INDEX' : 'ADD INDEX',
        table: relationDisplay(index.relation) ?? '?',
        column: columns.join(', ') || NONE,
        details: `${index.idxname ?? 'unnamed'}${index.concurrent ? ', built CONCURRENTLY (no write lock)' : ', blocks writes while it builds'}`,
      },
    ];
  }
  const drop = nodeAs(ast, 'DropStmt');
  if (drop) {
    const kind = (drop.removeType ?? 'OBJECT').replace(/^OBJECT_/, '').replace(/_/g, ' ');
    return (drop.objects ?? []).map((object) => {
      const list = nodeAs(object, 'List')?.items ?? (nodeAs(object, 'TypeName')?.names as Node[] | undefined);
      const name = namesOf(list).join('.') || '?';
      return {
        action: `DROP ${kind}`,
        table: name,
        column: NONE,
        details: `${drop.concurrent ? 'CONCURRENTLY; ' : ''}${kind === 'TABLE' ? 'its rows are lost' : `drops ${kind.toLowerCase()} ${name}`}`,
      };
    });
  }
  const rename = nodeAs(ast, 'RenameStmt');
  if (rename) {
    const kind = (rename.renameType ?? '').replace(/^OBJECT_/, '');
    return [
      {
        action: `RENAME ${kind}`,
        table: relationDisplay(rename.relation) ?? namesOf(nodeAs(rename.object, 'List')?.items).join('.'),
        column: kind === 'COLUMN' ? (rename.subname ?? NONE) : NONE,
        details: `renamed to ${rename.newname}; old code using the old name breaks`,
      },
    ];
  }
  const view = nodeAs(ast, 'ViewStmt');
  if (view)
    return [
      {
        action: view.replace ? 'CREATE OR REPLACE VIEW' : 'CREATE VIEW',
        table: relationDisplay(view.view) ?? '?',
        column: NONE,
        details: 'view over existing tables',
      },
    ];
  const enumType = nodeAs(ast, 'CreateEnumStmt');
  if (enumType)
    return [
      {
        action: 'CREATE TYPE',
        table: namesOf(enumType.typeName).join('.'),
        column: NONE,
        details: `enum (${namesOf(enumType.vals).join(', ')})`,
      },
    ];
  const update = nodeAs(ast, 'UpdateStmt');
  if (update)
    return [
      {
        action: 'UPDATE ROWS',
        table: relationDisplay(update.relation) ?? '?',
        column: (update.targetList ?? []).map((target) => nodeAs(target, 'ResTarget')?.name ?? '').join(', ') || NONE,
        details: `data backfill${update.whereClause ? ' (with a WHERE clause)' : ' of every row'}`,
      },
    ];
  const del = nodeAs(ast, 'DeleteStmt');
  if (del)
    return [
      {
        action: 'DELETE ROWS',
        table: relationDisplay(del.relation) ?? '?',
        column: NONE,
        details: del.whereClause ? 'deletes matching rows' : 'deletes every row',
      },
    ];
  const insert = nodeAs(ast, 'InsertStmt');
  if (insert)
    return [
      { action: 'INSERT ROWS', table: relationDisplay(insert.relation) ?? '?', column: NONE, details: 'adds rows' },
    ];
  return [{ action: kindWords(nodeType(ast)), table: NONE, column: NONE, details: firstLine(sql) }];
}

function alterRow(table: string, cmd: AlterTableCmd): Row {
  const def = nodeAs(cmd.def, 'ColumnDef') as ColumnDef | undefined;
  const constraint = nodeAs(cmd.def, 'Constraint') as Constraint | undefined;
  switch (cmd.subtype) {
    case 'AT_AddColumn': {
      const info = def ? columnInfo(def) : undefined;
      const extras = def ? columnConstraints(def).map(constraintWords) : [];
      return {
        action: 'ADD COLUMN',
        table,
        column: def?.colname ?? '?',
        details: [...new Set([info?.type, info?.notNull ? 'NOT NULL' : 'nullable', ...extras])]
          .filter(Boolean)
          .join(', '),
      };
    }
    case 'AT_DropColumn':
      return { action: 'DROP COLUMN', table, column: cmd.name ?? '?', details: 'its values are lost' };
    case 'AT_AlterColumnType':
      return {
        action: 'ALTER COLUMN TYPE',
        table,
        column: cmd.name ?? '?',
        details: `to ${def ? columnInfo(def).type : '?'}; may rewrite the table`,
      };
    case 'AT_SetNotNull':
      return { action: 'SET NOT NULL', table, column: cmd.name ?? '?', details: 'scans the table to check every row' };
    case 'AT_DropNotNull':
      return { action: 'DROP NOT NULL', table, column: cmd.name ?? '?', details: 'column becomes nullable' };
    case 'AT_ColumnDefault':
      return {
        action: cmd.def ? 'SET DEFAULT' : 'DROP DEFAULT',
        table,
        column: cmd.name ?? '?',
        details: 'affects new rows only',
      };
    case 'AT_AddConstraint':
      return {
        action: 'ADD CONSTRAINT',
        table,
        column: namesOf(constraint?.keys).join(', ') || namesOf(constraint?.fk_attrs).join(', ') || NONE,
        details: `${constraint?.conname ?? 'unnamed'}: ${constraint ? constraintWords(constraint) : '?'}${constraint?.skip_validation ? ' (NOT VALID)' : ''}`,
      };
    case 'AT_DropConstraint':
      return { action: 'DROP CONSTRAINT', table, column: NONE, details: cmd.name ?? '?' };
    case 'AT_ValidateConstraint':
      return { action: 'VALIDATE CONSTRAINT', table, column: NONE, details: `${cmd.name ?? '?'}: scans the table` };
    default:
      return {
        action: `ALTER TABLE ${(cmd.subtype ?? '').replace(/^AT_/, '')}`,
        table,
        column: cmd.name ?? NONE,
        details: 'table change',
      };
  }
}

function constraintWords(constraint: Constraint): string {
  switch (constraint.contype) {
    case 'CONSTR_PRIMARY':
      return 'PRIMARY KEY';
    case 'CONSTR_UNIQUE':
      return 'UNIQUE';
    case 'CONSTR_CHECK':
      return 'CHECK';
    case 'CONSTR_FOREIGN':
      return `FOREIGN KEY → ${relationDisplay(constraint.pktable) ?? '?'}`;
    case 'CONSTR_DEFAULT':
      return 'DEFAULT';
    case 'CONSTR_NOTNULL':
      return 'NOT NULL';
    default:
      return (constraint.contype ?? '').replace(/^CONSTR_/, '');
  }
}

/** `AlterEnumStmt` → `ALTER ENUM`. */
function kindWords(type: string): string {
  return type
    .replace(/Stmt$/, '')
    .replace(/([a-z])([A-Z])/g, '$1 $2')
    .toUpperCase();
}

const WORD_PATTERNS: [RegExp, (match: RegExpExecArray) => Row][] = [
  [
    /^create\s+table\s+(?:if\s+not\s+exists\s+)?([`"\w.]+)/i,
    (m) => ({ action: 'CREATE TABLE', table: bare(m[1]), column: NONE, details: 'New table' }),
  ],
  [
    /^alter\s+table\s+([`"\w.]+)\s+add\s+(?:column\s+)?([`"\w]+)\s+([^,]+)/i,
    (m) => ({ action: 'ADD COLUMN', table: bare(m[1]), column: bare(m[2]), details: firstLine(m[3] ?? '') }),
  ],
  [
    /^alter\s+table\s+([`"\w.]+)\s+drop\s+(?:column\s+)?([`"\w]+)/i,
    (m) => ({ action: 'DROP COLUMN', table: bare(m[1]), column: bare(m[2]), details: 'its values are lost' }),
  ],
  [
    /^create\s+(unique\s+)?index\s+(?:concurrently\s+)?(?:if\s+not\s+exists\s+)?([`"\w.]+)\s+on\s+([`"\w.]+)\s*\(([^)]*)\)/i,
    (m) => ({
      action: m[1] ? 'ADD UNIQUE INDEX' : 'ADD INDEX',
      table: bare(m[3]),
      column: (m[4] ?? '').replace(/[`"]/g, '').trim(),
      details: bare(m[2]),
    }),
  ],
  [
    /^drop\s+(table|index|view)\s+(?:if\s+exists\s+)?([`"\w.]+)/i,
    (m) => ({ action: `DROP ${(m[1] ?? '').toUpperCase()}`, table: bare(m[2]), column: NONE, details: 'dropped' }),
  ],
  [
    /^(update|delete\s+from|insert\s+into)\s+([`"\w.]+)/i,
    (m) => ({
      action: `${(m[1] ?? '').split(/\s+/)[0]?.toUpperCase()} ROWS`,
      table: bare(m[2]),
      column: NONE,
      details: 'data change',
    }),
  ],
];

function wordRows(sql: string): Row[] {
  const text = sql.replace(/--[^\n]*|\/\*[\s\S]*?\*\//g, ' ').trim();
  for (const [pattern, row] of WORD_PATTERNS) {
    const match = pattern.exec(text);
    if (match) return [row(match)];
  }
  return [
    {
      action: (/^\w+(\s+\w+)?/.exec(text)?.[0] ?? 'SQL').toUpperCase(),
      table: NONE,
      column: NONE,
      details: firstLine(text),
    },
  ];
}

function bare(name: string | undefined): string {
  return displayTable((name ?? '?').replace(/[`"]/g, ''));
}

function firstLine(text: string): string {
  const line = text.trim().split('\n')[0] ?? '';
  return line.length > 80 ? `${line.slice(0, 77)}...` : line;
}
