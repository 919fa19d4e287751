import { typeNameText, usingCastType, usingIsTheColumn } from '../ast.js';
import { rebuiltPartialIndexes, typeConversion } from '../type-conversion.js';
import type { FixStep, IndexInfo, Rule, RuleContext, RuleHit } from '../types.js';
import {
  alterTableOf,
  alterTypeTexts,
  batchedUpdateSql,
  columnDefOf,
  computedColumnTriggerSql,
  fitName,
  ident,
  isExistingTable,
  LOCK_TIMEOUT_SQL,
  type Relation,
  severityForSize,
  sizeNote,
  step,
  unqualified,
} from './ast.js';

export const columnTypeChange: Rule = {
  meta: {
    id: 'column-type-change',
    title: 'Column type change that rewrites the table',
    category: 'careful',
    defaultSeverity: 'warning',
    engines: ['postgresql'],
    locks: [{ mode: 'ACCESS EXCLUSIVE', on: 'table', blocks: 'reads and writes' }],
    rewritesTable: true,
    scansTable: true,
    breaksOldCode: true,
    why: 'Unless the new type is binary-compatible with the old one (varchar widening, varchar→text, numeric precision increase, cidr→inet), PostgreSQL rewrites the table and rebuilds every index under ACCESS EXCLUSIVE; running code may also break on the new type.',
    safeAlternative:
      'Expand and contract: add a new column of the new type, keep it in sync with a trigger, backfill in batches, move the code to the new column, then drop the old one.',
    examples: {
      bad: 'ALTER TABLE orders ALTER COLUMN quantity TYPE bigint;',
      good: 'ALTER TABLE orders ADD COLUMN quantity_new bigint;\n-- sync trigger, batched backfill, switch reads, then drop quantity',
    },
    peers: {
      squawk: 'changing-column-type',
      strong_migrations: 'change_column',
      eugene: 'E5',
      atlas: 'PG301',
    },
  },
  appliesTo: ['AlterTableStmt'],
  check(context) {
    const altered = alterTableOf(context);
    if (!altered || !isExistingTable(context, altered.table.key)) return [];
    const { table } = altered;
    const bare = unqualified(table.key);
    const hits: RuleHit[] = [];
    const rewrites: ColumnRewrite[] = [];
    for (const cmd of altered.cmds) {
      const def = cmd.subtype === 'AT_AlterColumnType' ? columnDefOf(cmd) : undefined;
      if (!def || !cmd.name) continue;
      const current = context.catalog.columns(table.key)?.find((column) => column.name === cmd.name);
      const texts = alterTypeTexts(context, cmd.name);
      // USING the column itself converts as no USING does: it does not decide the rewrite.
      const using = usingIsTheColumn(def, cmd.name) ? undefined : texts.using;
      // USING col::mid converts through mid: old → mid → new, each step binary-coercible or not.
      const mid = using ? usingCastType(def, cmd.name) : undefined;
      const decided = current
        ? typeConversion(current.type, typeNameText(def.typeName), mid ? typeNameText(mid) : undefined)
        : undefined;
      const decidesAlone = !using || mid !== undefined;
      if (decided === 'binary' && decidesAlone) {
        const partial = rebuiltPartialIndexes(context.catalog, table.key, cmd.name);
        if (partial.length > 0) hits.push(partialReindexHit(context, table, cmd.name, partial));
        continue;
      }
      const column = ident(cmd.name);
      const newType = texts.type ?? typeNameText(def.typeName);
      if (decided === 'reindex' && decidesAlone) {
        const indexes = context.catalog.indexes(table.key).filter((index) => index.columns.includes(cmd.name ?? ''));
        if (indexes.length > 0) hits.push(reindexHit(context, table, `${cmd.name}: ${current?.type} → ${newType}`));
        continue;
      }
      if (decided === 'utc-only' && decidesAlone) {
        // The migration pinned the session to UTC: no rewrite (the lock summary shows any index rebuild).
        if (context.timeZoneUtc && context.pgVersion >= 12) continue;
        const indexed = context.catalog.indexes(table.key).some((index) => index.columns.includes(cmd.name ?? ''));
        hits.push({
          message: `${cmd.name}: ${current?.type} → ${newType} is metadata-only on PostgreSQL 12+ only when the session TimeZone is UTC; otherwise ${table.display}${sizeNote(context, table.key)} is rewritten under ACCESS EXCLUSIVE.${indexed ? ` Its indexes on ${cmd.name} are rebuilt either way.` : ''}`,
          table: table.display,
          severity: 'info',
          fix: {
            summary: 'Run the change with the session time zone set to UTC.',
            steps: [
              step(
                'Pin the session time zone so PostgreSQL can skip the rewrite.',
                `SET TIME ZONE 'UTC';\n${LOCK_TIMEOUT_SQL}\n${context.statement.sql.trim()};`,
              ),
            ],
          },
        });
        continue;
      }
      const shift = current ? timeZoneShift(context, current.type, typeNameText(def.typeName), using) : undefined;
      if (shift) hits.push(timeZoneShiftHit(table, cmd.name, newType, using ?? '', shift));
      const shadow = ident(fitName(`${cmd.name}_new`));
      const convert = using ?? `${column}::${newType}`;
      const fn = ident(fitName(`${bare}_${cmd.name}_sync`));
      // The types alone would keep the rows (timestamp → timestamptz): the USING expression is what rewrites.
      const computed = using !== undefined && decided !== undefined && decided !== 'rewrite';
      rewrites.push({
        column: cmd.name,
        change: current
          ? `${cmd.name}: ${current.type} → ${newType}${computed ? ` USING ${using}` : ''}`
          : `${cmd.name} → ${newType} (current type unknown)`,
        known: current !== undefined,
        computed,
        steps: [
          step(
            'Add the new column (metadata-only).',
            `${LOCK_TIMEOUT_SQL}\nALTER TABLE ${table.display} ADD COLUMN ${shadow} ${newType};`,
          ),
          step(
            'Keep it in sync for every write while old code still writes the old column.',
            computedColumnTriggerSql(fn, table.display, shadow, convert),
          ),
          step(
            'Backfill existing rows in batches, outside a transaction.',
            batchedUpdateSql(table.display, `${shadow} = ${convert}`, `${shadow} IS NULL AND ${column} IS NOT NULL`),
            { outsideTransaction: true, separateMigration: true },
          ),
          step(
            `Deploy code that reads and writes ${shadow}; then, in a later migration, drop the trigger and the old column.`,
            `DROP TRIGGER ${fn} ON ${table.display};\nDROP FUNCTION ${fn}();\n${LOCK_TIMEOUT_SQL}\nALTER TABLE ${table.display} DROP COLUMN ${column};`,
            { separateMigration: true },
          ),
        ],
      });
    }
    if (rewrites.length > 0) hits.push(rewriteHit(context, table, rewrites));
    return hits;
  },
};

/**
 * timestamptz → timestamptz USING col AT TIME ZONE 'Z': the USING gives the wall-clock time in Z (a timestamp),
 * which the column then reads in the session time zone, so every instant moves unless the session is in Z
 * (twenty: under Europe/Paris, 12:00+00 became 11:00+00 on PostgreSQL 15). The zone, or undefined: no shift.
 */
function timeZoneShift(
  context: RuleContext,
  currentType: string,
  newType: string,
  using: string | undefined,
): string | undefined {
  if (!using || !currentType.startsWith('timestamptz') || !newType.startsWith('timestamptz')) return undefined;
  const zone = /\bAT\s+TIME\s+ZONE\s+'([^']+)'/i.exec(using)?.[1];
  if (!zone) return /\bAT\s+TIME\s+ZONE\b/i.test(using) ? 'the zone USING names' : undefined;
  return context.timeZoneUtc && /^(utc|etc\/utc|gmt|z|zulu|universal)$/i.test(zone) ? undefined : zone;
}

function timeZoneShiftHit(table: Relation, column: string, newType: string, using: string, zone: string): RuleHit {
  return {
    message: `${table.display}.${column} is already timestamptz: USING ${using} turns each value into the wall-clock time in ${zone}, which the column then reads in the session time zone, so every value moves by the session's offset from ${zone} unless the session time zone is ${zone}.`,
    table: table.display,
    severity: 'error',
    fix: {
      summary: 'A timestamptz already holds an instant: change the type without the USING.',
      steps: [
        step(
          'Keep every value as it is.',
          `${LOCK_TIMEOUT_SQL}\nALTER TABLE ${table.display} ALTER COLUMN ${ident(column)} TYPE ${newType};`,
        ),
      ],
    },
  };
}

/** A conversion that keeps the rows but not the column's indexes (text → citext: another operator class). */
function reindexHit(context: RuleContext, table: Relation, change: string): RuleHit {
  return {
    message: `${change} keeps the rows of ${table.display}${sizeNote(context, table.key)}, but its indexes on the column are rebuilt under ACCESS EXCLUSIVE: reads and writes wait for the build.`,
    table: table.display,
    fix: {
      summary: 'Build the new indexes first, then change the type with a bounded lock wait.',
      steps: [
        step(
          'Change the type where the index builds are short (a quiet hour), with a bounded lock wait; or add a new column of the new type, index it concurrently, backfill and switch.',
          `${LOCK_TIMEOUT_SQL}\n${context.statement.sql.trim()};`,
        ),
      ],
    },
  };
}

/** A binary-compatible change that keeps the rows and the plain indexes, but rebuilds the partial ones. */
function partialReindexHit(context: RuleContext, table: Relation, column: string, indexes: IndexInfo[]): RuleHit {
  const names = indexes.map((index) => unqualified(index.name)).join(', ');
  return {
    ...reindexHit(context, table, column),
    message: `${column}: the type change keeps the rows of ${table.display}${sizeNote(context, table.key)}, but PostgreSQL rebuilds its partial index${indexes.length > 1 ? 'es' : ''} on the column (${names}) under ACCESS EXCLUSIVE: reads and writes wait for the build.`,
  };
}

interface ColumnRewrite {
  column: string;
  /** `col: old → new`, or `col → new (current type unknown)`. */
  change: string;
  /** The current type is known (from history or a snapshot), so the rewrite is a fact, not a possibility. */
  known: boolean;
  /** Rewritten because USING computes every value anew, not because the types differ in storage. */
  computed: boolean;
  steps: FixStep[];
}

/**
 * One finding for the statement: PostgreSQL rewrites the table once however many of its columns change type
 * (hoppscotch's timestamptz migration changes three columns of a table in one ALTER).
 */
function rewriteHit(context: RuleContext, table: Relation, rewrites: ColumnRewrite[]): RuleHit {
  const size = sizeNote(context, table.key);
  const known = rewrites.filter((rewrite) => rewrite.known);
  const [only] = rewrites;
  const message =
    rewrites.length === 1 && only
      ? only.known
        ? `${table.display}.${only.change} ${only.computed ? 'computes every value anew' : 'is not binary-compatible'}, so ${table.display}${size} and its indexes are rewritten under ACCESS EXCLUSIVE.`
        : `${table.display}.${only.change.replace(' (current type unknown)', '')}: the current type is unknown (give a schema snapshot or earlier migrations); unless it is a binary-compatible widening, ${table.display}${size} is rewritten under ACCESS EXCLUSIVE.`
      : `${table.display}: ${rewrites.map((rewrite) => rewrite.change).join('; ')}. ${known.length > 0 ? `${rewrites.some((rewrite) => rewrite.computed) ? 'Each computes its values anew (USING) or is not' : known.length === rewrites.length ? 'None is' : 'Not every one is'} binary-compatible, so ${table.display}${size} and its indexes are rewritten once under ACCESS EXCLUSIVE.` : `Unless each is a binary-compatible widening, ${table.display}${size} is rewritten once under ACCESS EXCLUSIVE (give a schema snapshot or earlier migrations to know).`}`;
  const columns = rewrites.length > 1;
  return {
    message,
    table: table.display,
    severity: known.length > 0 ? severityForSize(context, table.key) : 'info',
    fix: {
      summary: `Expand/contract${columns ? ' for each column' : ''}: new column, sync trigger, batched backfill, switch the code, drop the old column.`,
      steps: rewrites.flatMap((rewrite) =>
        columns
          ? rewrite.steps.map((each) => ({
              ...each,
              description: `${rewrite.column}: ${each.description}`,
            }))
          : rewrite.steps,
      ),
    },
  };
}
