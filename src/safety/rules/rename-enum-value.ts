import type { Rule } from '../types.js';
import { namesText, nodeAs, step } from './ast.js';

function literal(value: string): string {
  return `'${value.replaceAll("'", "''")}'`;
}

export const renameEnumValue: Rule = {
  meta: {
    id: 'rename-enum-value',
    title: 'RENAME VALUE of an enum',
    category: 'careful',
    defaultSeverity: 'error',
    engines: ['postgresql'],
    locks: [],
    rewritesTable: false,
    scansTable: false,
    breaksOldCode: true,
    why: 'Running code that writes or compares the old label fails (invalid input value for enum) as soon as the rename commits.',
    safeAlternative:
      'Add the new value, deploy code that accepts both, migrate rows in batches, then stop using the old value (enum values cannot be dropped; a lookup table avoids this).',
    examples: {
      bad: "ALTER TYPE order_status RENAME VALUE 'canceled' TO 'cancelled';",
      good: "ALTER TYPE order_status ADD VALUE IF NOT EXISTS 'cancelled';",
    },
    peers: { strong_migrations: 'rename_enum_value' },
  },
  appliesTo: ['AlterEnumStmt'],
  check(context) {
    const change = nodeAs(context.statement.ast, 'AlterEnumStmt');
    if (!change?.oldVal || !change.newVal) return [];
    const type = namesText(change.typeName);
    return [
      {
        message: `Renaming ${type} value '${change.oldVal}' to '${change.newVal}' breaks code still using '${change.oldVal}'.`,
        fix: {
          summary: 'Add the new value next to the old one, switch code and data, retire the old value.',
          steps: [
            step(
              'Add the new label (commit before using it).',
              `ALTER TYPE ${type} ADD VALUE IF NOT EXISTS ${literal(change.newVal)} AFTER ${literal(change.oldVal)};`,
            ),
            step(
              'After deploying code that accepts both labels, move existing rows to the new label in batches on each table using the type.',
              [
                'DO $$',
                'DECLARE target record;',
                'BEGIN',
                '  FOR target IN',
                `    SELECT a.attrelid::regclass AS tbl, a.attname FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid`,
                `    WHERE a.atttypid = ${literal(type)}::regtype AND c.relkind IN ('r', 'p') AND NOT a.attisdropped`,
                '  LOOP',
                `    EXECUTE format('UPDATE %s SET %I = %L WHERE %I = %L', target.tbl, target.attname, ${literal(change.newVal)}, target.attname, ${literal(change.oldVal)});`,
                '    COMMIT;',
                '  END LOOP;',
                'END $$;',
              ].join('\n'),
              { separateMigration: true, outsideTransaction: true },
            ),
          ],
        },
      },
    ];
  },
};
