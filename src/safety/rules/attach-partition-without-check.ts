import type { PartitionBoundSpec } from 'libpg-query';
import type { Rule, RuleHit } from '../types.js';
import {
  alterTableOf,
  expressionText,
  firstLocation,
  fitName,
  ident,
  isExistingTable,
  LOCK_TIMEOUT_SQL,
  localAst,
  nodeAs,
  relationOf,
  step,
  unqualified,
  walk,
} from './ast.js';

/** `%` doubled so a bound literal survives format(). */
function escapeFormat(text: string): string {
  return text.replaceAll('%', '%%');
}

/** The bound values of FOR VALUES … as written, from the statement re-parsed alone. */
function boundTexts(
  sql: string,
  local: ReturnType<typeof localAst>,
): { lower: string[]; upper: string[]; list: string[] } {
  const result = { lower: [] as string[], upper: [] as string[], list: [] as string[] };
  walk(local, (key, value) => {
    if (key !== 'bound' || value === null || typeof value !== 'object') return;
    const bound = value as PartitionBoundSpec;
    const texts = (items: unknown[] | undefined) =>
      (items ?? []).map((item) => expressionText(sql, firstLocation(item), false) ?? '');
    result.lower = texts(bound.lowerdatums);
    result.upper = texts(bound.upperdatums);
    result.list = texts(bound.listdatums);
  });
  return result;
}

export const attachPartitionWithoutCheck: Rule = {
  meta: {
    id: 'attach-partition-without-check',
    title: 'ATTACH PARTITION without a matching CHECK constraint',
    category: 'careful',
    defaultSeverity: 'warning',
    engines: ['postgresql'],
    locks: [
      { mode: 'SHARE UPDATE EXCLUSIVE', on: 'parent table', blocks: 'schema changes and VACUUM' },
      { mode: 'ACCESS EXCLUSIVE', on: 'partition', blocks: 'reads and writes' },
    ],
    rewritesTable: false,
    scansTable: true,
    breaksOldCode: false,
    why: 'ATTACH PARTITION scans the whole new partition under ACCESS EXCLUSIVE to prove every row fits the bounds, unless a valid CHECK constraint already proves it.',
    safeAlternative:
      'Add a CHECK matching the partition bounds NOT VALID, VALIDATE it (no blocking), ATTACH (the scan is skipped), then drop the CHECK.',
    examples: {
      bad: "ALTER TABLE measurements ATTACH PARTITION measurements_2024 FOR VALUES FROM ('2024-01-01') TO ('2025-01-01');",
      good: "ALTER TABLE measurements_2024 ADD CONSTRAINT measurements_2024_bounds CHECK (logdate IS NOT NULL AND logdate >= '2024-01-01' AND logdate < '2025-01-01') NOT VALID;\nALTER TABLE measurements_2024 VALIDATE CONSTRAINT measurements_2024_bounds;\nALTER TABLE measurements ATTACH PARTITION measurements_2024 FOR VALUES FROM ('2024-01-01') TO ('2025-01-01');",
    },
  },
  appliesTo: ['AlterTableStmt'],
  check(context) {
    const altered = alterTableOf(context);
    if (!altered) return [];
    const { table } = altered;
    const hits: RuleHit[] = [];
    for (const cmd of altered.cmds) {
      const partition = cmd.subtype === 'AT_AttachPartition' ? nodeAs(cmd.def, 'PartitionCmd') : undefined;
      const child = relationOf(partition?.name);
      if (!partition || !child || !isExistingTable(context, child.key)) continue;
      if (context.catalog.hasValidatedCheck(child.key)) continue;
      const bound = partition.bound;
      const texts = boundTexts(context.statement.sql, localAst(context));
      const bare = unqualified(child.key);
      const name = ident(fitName(`${bare}_partition_bounds`));
      // The partition key lives on the parent; the CHECK is built with it read from pg_partitioned_table.
      const key = '%1$s';
      let expression: string | undefined;
      if (bound?.strategy === 'r' && texts.lower.length === 1 && texts.upper.length === 1) {
        const parts = [`${key} IS NOT NULL`];
        if (!/^MINVALUE$/i.test(texts.lower[0] ?? '')) parts.push(`${key} >= ${escapeFormat(texts.lower[0] ?? '')}`);
        if (!/^MAXVALUE$/i.test(texts.upper[0] ?? '')) parts.push(`${key} < ${escapeFormat(texts.upper[0] ?? '')}`);
        expression = parts.join(' AND ');
      } else if (bound?.strategy === 'l' && texts.list.length > 0) {
        expression = `${key} IS NOT NULL AND ${key} IN (${texts.list.map(escapeFormat).join(', ')})`;
      }
      const parentLiteral = table.display.replaceAll("'", "''");
      const addCheck = expression
        ? [
            'DO $$',
            'DECLARE',
            '  key_column text := (SELECT quote_ident(a.attname) FROM pg_partitioned_table p',
            '    JOIN pg_attribute a ON a.attrelid = p.partrelid AND a.attnum = p.partattrs[0]',
            `    WHERE p.partrelid = '${parentLiteral}'::regclass);`,
            'BEGIN',
            "  SET LOCAL lock_timeout = '5s';",
            `  EXECUTE format('ALTER TABLE ${child.display.replaceAll("'", "''")} ADD CONSTRAINT ${name.replaceAll("'", "''")} CHECK (${expression.replaceAll("'", "''")}) NOT VALID', key_column);`,
            'END $$;',
          ].join('\n')
        : undefined;
      hits.push({
        message: `ATTACH PARTITION ${child.display} scans all of it under ACCESS EXCLUSIVE because no valid CHECK on it proves the partition bounds.`,
        table: table.display,
        fix: addCheck
          ? {
              summary: 'Prove the bounds with a validated CHECK first, so the attach skips its scan.',
              steps: [
                step(
                  'Add the bounds (on the partition key of the parent) as a CHECK without scanning.',
                  addCheck ?? '',
                ),
                step(
                  'Validate it without blocking reads or writes.',
                  `ALTER TABLE ${child.display} VALIDATE CONSTRAINT ${name};`,
                  { separateMigration: true },
                ),
                step(
                  'Attach: PostgreSQL sees the CHECK and skips the scan.',
                  `${LOCK_TIMEOUT_SQL}\n${context.statement.sql.trim()};`,
                  { separateMigration: true },
                ),
                step('Drop the redundant CHECK.', `ALTER TABLE ${child.display} DROP CONSTRAINT ${name};`, {
                  separateMigration: true,
                }),
              ],
            }
          : {
              summary: `Add a CHECK on ${child.display} that matches the bounds (partition key column IS NOT NULL AND within the bounds) NOT VALID, VALIDATE it, then attach.`,
              steps: [
                step(
                  'Attach with a bounded lock wait once a validated CHECK matching the bounds exists.',
                  `${LOCK_TIMEOUT_SQL}\n${context.statement.sql.trim()};`,
                  {
                    separateMigration: true,
                  },
                ),
              ],
            },
      });
    }
    return hits;
  },
};
