import type { Constraint, Node } from 'libpg-query';
import { namesOf } from '../names.js';
import type { Rule, RuleHit } from '../types.js';
import { balancedAfter, fitName, localAst, nodeAs, relationOf, step, unqualified, walk } from './ast.js';

/** Built-in functions whose result depends on the time, chance or the session, not only on their arguments. */
const CHANGING_FUNCTIONS = new Set([
  'now',
  'statement_timestamp',
  'transaction_timestamp',
  'clock_timestamp',
  'timeofday',
  'random',
  'random_normal',
  'gen_random_uuid',
  'uuid_generate_v1',
  'uuid_generate_v4',
  'nextval',
  'currval',
  'lastval',
  'txid_current',
  'current_setting',
]);

/** CURRENT_DATE, CURRENT_USER and the other SQL value functions (all depend on the time or the session). */
function changingCalls(expr: Node | undefined): string[] {
  const found: string[] = [];
  walk(expr, (key, value) => {
    if (value === null || typeof value !== 'object') return;
    if (key === 'SQLValueFunction') {
      const op = (value as { op?: string }).op ?? '';
      found.push(
        op
          .replace(/^SVFOP_/, '')
          .replace(/_N$/, '')
          .toLowerCase(),
      );
    } else if (key === 'FuncCall') {
      const name =
        namesOf((value as { funcname?: Node[] }).funcname)
          .at(-1)
          ?.toLowerCase() ?? '';
      if (CHANGING_FUNCTIONS.has(name)) found.push(`${name}()`);
    }
  });
  return [...new Set(found)];
}

export const checkConstraintNotImmutable: Rule = {
  meta: {
    id: 'check-constraint-not-immutable',
    title: 'CHECK constraint that depends on the time, chance or the session',
    category: 'careful',
    defaultSeverity: 'warning',
    engines: ['postgresql'],
    locks: [],
    rewritesTable: false,
    scansTable: false,
    breaksOldCode: false,
    why: 'PostgreSQL checks a row against a CHECK only when the row is written, and assumes the condition gives the same answer forever. With now(), CURRENT_DATE, random() or CURRENT_USER it does not: a row that passed may fail later, so an UPDATE of any other column of it fails, and a dump of the table no longer restores.',
    safeAlternative:
      'Check what depends on the time or the session in a BEFORE INSERT OR UPDATE trigger, which runs only when a row is written and is not re-checked by a restore; or compare with a fixed value.',
    examples: {
      bad: 'ALTER TABLE bookings ADD CONSTRAINT bookings_future CHECK (starts_at > now());',
      good: "ALTER TABLE bookings ADD CONSTRAINT bookings_after_launch CHECK (starts_at > '2020-01-01');",
    },
  },
  appliesTo: ['CreateStmt', 'AlterTableStmt'],
  check(context) {
    const ast = context.statement.ast;
    const stmt = nodeAs(ast, 'CreateStmt') ?? nodeAs(ast, 'AlterTableStmt');
    const table = relationOf(stmt?.relation);
    if (!table) return [];
    const hits: RuleHit[] = [];
    let local: Node | undefined;
    // The CHECKs in walk order: the statement re-parsed alone (for its text) has them in the same order.
    let ordinal = -1;
    walk(ast, (key, value) => {
      if (key !== 'Constraint' || value === null || typeof value !== 'object') return;
      const constraint = value as Constraint;
      if (constraint.contype !== 'CONSTR_CHECK') return;
      ordinal++;
      const calls = changingCalls(constraint.raw_expr);
      if (calls.length === 0) return;
      local ??= localAst(context);
      const name = constraint.conname ?? fitName(`${unqualified(table.key)}_check`);
      hits.push({
        message: `CHECK ${name} on ${table.display} calls ${calls.join(', ')}: PostgreSQL checks a row only when it is written, so one that passes now may fail later (an UPDATE of any of its columns then fails, and a dump no longer restores).`,
        table: table.display,
        fix: fixOf(context.statement.sql, local, ordinal, name, table.display),
      });
    });
    return hits;
  },
};

/** The same condition in a trigger that runs when a row is written, over the new row's columns. */
function fixOf(sql: string, local: Node | undefined, ordinal: number, name: string, table: string) {
  let expression: string | undefined;
  let index = 0;
  walk(local, (key, value) => {
    if (key !== 'Constraint' || value === null || typeof value !== 'object') return;
    const candidate = value as Constraint;
    if (candidate.contype !== 'CONSTR_CHECK') return;
    if (index === ordinal) expression = balancedAfter(sql, candidate.location);
    index++;
  });
  const fn = fitName(`${name}_trigger`);
  const literal = name.replaceAll("'", "''");
  return {
    summary: 'Check it in a trigger when rows are written, instead of in a CHECK constraint.',
    steps: [
      step(
        'Leave the CHECK out of the statement, and check new and changed rows in a trigger instead.',
        [
          `CREATE FUNCTION ${fn}() RETURNS trigger LANGUAGE plpgsql AS $$`,
          'BEGIN',
          `  IF NOT (SELECT (${expression ?? 'true'}) FROM (SELECT NEW.*) AS row_values) THEN`,
          `    RAISE EXCEPTION 'new row for relation "%" violates check %', TG_TABLE_NAME, '${literal}' USING ERRCODE = 'check_violation';`,
          '  END IF;',
          '  RETURN NEW;',
          'END $$;',
          `CREATE TRIGGER ${fn} BEFORE INSERT OR UPDATE ON ${table} FOR EACH ROW EXECUTE FUNCTION ${fn}();`,
        ].join('\n'),
      ),
    ],
  };
}
