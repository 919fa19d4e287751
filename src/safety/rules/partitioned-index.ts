import type { IndexStmt } from 'libpg-query';
import { postgresObjectName } from '../../engines/postgresql/identifiers.js';
import type { FixStep, RuleContext } from '../types.js';
import { displayOf, ident, keySql, nodeAs, step, unqualified } from './ast.js';

/**
 * CREATE INDEX CONCURRENTLY is refused on a partitioned table. The way to index one without blocking writes:
 * an index ON ONLY the parent (invalid, nothing built), each partition's index built concurrently, then each
 * attached to the parent's; the parent's index becomes valid when every partition has one. Sub-partitioned
 * partitions take the same steps one level down.
 */

const NAME = String.raw`(?:"(?:[^"]|"")+"|[^\s"(.]+)`;
/** `CREATE [UNIQUE] INDEX [IF NOT EXISTS] [name] ON [ONLY] table` and the rest (method, columns, WHERE …). */
const HEAD = new RegExp(
  String.raw`^CREATE\s+(UNIQUE\s+)?INDEX\s+(?:IF\s+NOT\s+EXISTS\s+)?(?:${NAME}\s+)?ON\s+(?:ONLY\s+)?${NAME}(?:\.${NAME})?\s*([\s\S]*)$`,
  'i',
);

/** The fix steps for a plain CREATE INDEX on a partitioned table, or undefined when the statement is not read. */
export function partitionedIndexSteps(context: RuleContext, table: string): FixStep[] | undefined {
  const index = nodeAs(context.statement.ast, 'IndexStmt');
  const head = HEAD.exec(context.statement.sql.trim());
  if (!index || !head) return undefined;
  const create = `CREATE ${head[1] ? 'UNIQUE ' : ''}INDEX`;
  const rest = (head[2] ?? '').trim();
  const columns = columnPart(index);
  const parentName = index.idxname ?? postgresObjectName(unqualified(table), columns, 'idx');
  const steps: FixStep[] = [];
  const indexTree = (relation: string, name: string, parent: string | undefined): void => {
    const partitions = context.catalog.inheritors(relation).filter((child) => child.partition);
    if (context.catalog.isPartitioned(relation)) {
      steps.push(
        step(
          parent
            ? `Index the sub-partitioned ${displayOf(relation)} the same way: its index ON ONLY it first.`
            : `Create the index ON ONLY the parent: it is invalid and nothing is built${partitions.length === 0 ? '; then, for each partition, build its index CONCURRENTLY and ALTER INDEX … ATTACH PARTITION it (the partitions are not known here)' : ''}.`,
          `${create} ${ident(name)} ON ONLY ${keySql(relation)} ${rest};`,
        ),
      );
      for (const child of partitions)
        indexTree(child.table, postgresObjectName(unqualified(child.table), columns, 'idx'), name);
    } else {
      steps.push(
        step(
          `Build the index of partition ${displayOf(relation)} without blocking its writes (its own non-transactional migration); if it fails, DROP INDEX CONCURRENTLY the INVALID index it leaves and retry.`,
          `${create} CONCURRENTLY ${ident(name)} ON ${keySql(relation)} ${rest};`,
          { outsideTransaction: true, separateMigration: true },
        ),
      );
    }
    if (parent)
      steps.push(
        step(
          `Attach it to ${ident(parent)} (instant); the parent's index becomes valid once every partition has one.`,
          `ALTER INDEX ${ident(parent)} ATTACH PARTITION ${ident(name)};`,
        ),
      );
  };
  indexTree(table, parentName, undefined);
  return steps;
}

/** `user_id_created_at` for the index's key columns (`expr` for an expression), as PostgreSQL names indexes. */
function columnPart(index: IndexStmt): string {
  const names = (index.indexParams ?? []).map((param) => nodeAs(param, 'IndexElem')?.name ?? 'expr');
  return names.join('_') || 'expr';
}
