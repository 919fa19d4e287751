import type { DropStmt, Node } from 'libpg-query';
import { displayTable, namesOf, tableKey } from '../names.js';
import type { Rule, RuleContext, RuleHit } from '../types.js';
import { nodeAs, step } from './ast.js';

/** What CASCADE takes with each kind of object (tables and schemas have rules of their own). */
const CASCADES: Readonly<Record<string, { kind: string; takes: string; losesData: boolean }>> = {
  OBJECT_TYPE: { kind: 'type', takes: 'the columns of the type, with their data', losesData: true },
  OBJECT_DOMAIN: { kind: 'domain', takes: 'the columns of the domain, with their data', losesData: true },
  OBJECT_EXTENSION: {
    kind: 'extension',
    takes: "every column of the extension's types (with their data), and what uses its functions",
    losesData: true,
  },
  OBJECT_VIEW: { kind: 'view', takes: 'the views built on it', losesData: false },
  OBJECT_MATVIEW: { kind: 'materialized view', takes: 'the views built on it', losesData: false },
  OBJECT_FUNCTION: {
    kind: 'function',
    takes: 'the triggers, defaults, constraints and views that call it',
    losesData: false,
  },
  OBJECT_PROCEDURE: { kind: 'procedure', takes: 'what depends on it', losesData: false },
  OBJECT_SEQUENCE: { kind: 'sequence', takes: 'the column defaults that draw from it', losesData: false },
};

export const dropCascade: Rule = {
  meta: {
    id: 'drop-cascade',
    title: 'DROP … CASCADE of a type, domain, extension, view, function or sequence',
    category: 'dangerous',
    defaultSeverity: 'error',
    engines: ['postgresql'],
    locks: [{ mode: 'ACCESS EXCLUSIVE', on: 'every table that depends on it', blocks: 'reads and writes' }],
    rewritesTable: false,
    scansTable: false,
    breaksOldCode: true,
    why: 'CASCADE silently drops whatever depends on the object: columns of a dropped type or domain (with their data), views over a dropped view, triggers and defaults that call a dropped function or sequence. Without CASCADE the statement fails and names what still depends on it.',
    safeAlternative:
      'Drop without CASCADE: PostgreSQL then lists the dependents. Drop or change each of them on purpose first, in its own step.',
    examples: { bad: 'DROP TYPE order_status CASCADE;', good: 'DROP TYPE order_status;' },
  },
  appliesTo: ['DropStmt'],
  check(context) {
    const drop = nodeAs(context.statement.ast, 'DropStmt');
    const cascade = drop?.behavior === 'DROP_CASCADE' ? CASCADES[drop.removeType ?? ''] : undefined;
    if (!drop || !cascade) return [];
    const names = (drop.objects ?? []).flatMap((object) => objectName(drop, object));
    const hits: RuleHit[] = [];
    for (const name of names) {
      const known = knownDependents(context, drop, name);
      // What the schema read so far shows depends on it is nothing: CASCADE takes nothing with it.
      if (known?.length === 0) continue;
      const listed = known ? ` (${known.join(', ')})` : '';
      hits.push({
        message: known
          ? `DROP ${cascade.kind.toUpperCase()} ${name} CASCADE also drops ${cascade.takes}${listed}.`
          : `DROP ${cascade.kind.toUpperCase()} ${name} CASCADE also drops ${cascade.takes}; what depends on it is not known here.`,
        severity: cascade.losesData && (known || drop.removeType === 'OBJECT_EXTENSION') ? 'error' : 'warning',
        fix: {
          summary: 'Drop without CASCADE, after dropping or changing what depends on it on purpose.',
          steps: [
            step(
              'Without CASCADE the drop fails and PostgreSQL lists every dependent object, so nothing goes unnoticed.',
              `${context.statement.sql.trim().replace(/\s+CASCADE\s*$/i, '')};`,
            ),
          ],
        },
      });
    }
    return hits;
  },
};

/** The dropped object's name as written (a function's without its argument list). */
function objectName(drop: DropStmt, object: Node): string[] {
  const withArgs = nodeAs(object, 'ObjectWithArgs');
  if (withArgs) return [namesOf(withArgs.objname).join('.')];
  const list = nodeAs(object, 'List')?.items;
  if (list) return [namesOf(list).join('.')];
  const typeName = nodeAs(object, 'TypeName');
  if (typeName) return [namesOf(typeName.names).join('.')];
  const name = nodeAs(object, 'String')?.sval;
  return name && drop.removeType === 'OBJECT_EXTENSION' ? [name] : [];
}

/**
 * What the schema read so far shows depends on the dropped object: the columns of a type or domain (when the whole
 * schema is known), the views over a view it knows, the tables whose triggers call a function it knows. Undefined
 * where it cannot tell (an extension, a sequence, a function's use in defaults, an object it does not know).
 */
function knownDependents(context: RuleContext, drop: DropStmt, name: string): string[] | undefined {
  const { catalog } = context;
  const bare = name.split('.').at(-1) ?? name;
  switch (drop.removeType) {
    case 'OBJECT_TYPE':
    case 'OBJECT_DOMAIN': {
      // The catalog keeps a column's type by its bare name.
      const columns = catalog
        .tablesWithColumnType(bare)
        .flatMap((table) =>
          (catalog.columns(table) ?? [])
            .filter((column) => column.type === bare)
            .map((column) => `${displayTable(table)}.${column.name}`),
        );
      return columns.length > 0 || catalog.schemaKnown ? columns : undefined;
    }
    case 'OBJECT_VIEW':
    case 'OBJECT_MATVIEW': {
      const key = tableKey(name);
      return catalog.viewReads(key) ? catalog.dependentViews(key).map(displayTable) : undefined;
    }
    case 'OBJECT_FUNCTION': {
      const tables = catalog.tablesWithTriggerCalling(bare);
      return tables.length > 0 ? tables.map((table) => `triggers on ${displayTable(table)}`) : undefined;
    }
    default:
      return undefined;
  }
}
