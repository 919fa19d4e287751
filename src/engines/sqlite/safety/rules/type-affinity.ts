import type { DdlRule } from '../../../../safety/ddl-check.js';
import type { ColumnDefinition } from '../../../../safety/ddl-model.js';
import type { RuleHit } from '../../../../safety/types.js';
import { fixStep } from '../../../mysql/safety/rules/shared.js';
import { affinityOf, affinitySurprise } from '../affinity.js';
import { tableOptions } from '../table-options.js';

export const sqliteTypeAffinity: DdlRule = {
  meta: {
    id: 'sqlite-type-affinity',
    title: 'Column type whose SQLite affinity surprises',
    category: 'safe',
    defaultSeverity: 'warning',
    engines: ['sqlite'],
    locks: [],
    rewritesTable: false,
    scansTable: false,
    breaksOldCode: false,
    why: "Outside STRICT tables SQLite keeps a declared type only as an affinity (https://sqlite.org/datatype3.html §3.1): VARCHAR(10) stores text of any length, BOOLEAN, DATE and DATETIME are NUMERIC ('20240101' becomes an integer), and a misspelt or unknown type such as STRING becomes NUMERIC too, so '0123' is stored as 123; a name containing INT (FLOATING POINT) is INTEGER. Code written for another database then reads values it did not write.",
    safeAlternative:
      'Use INTEGER, REAL, TEXT or BLOB, with a CHECK for lengths and allowed values, or make the table STRICT (SQLite 3.37+).',
    examples: {
      bad: 'CREATE TABLE users (id INTEGER PRIMARY KEY, code STRING, name VARCHAR(20));',
      good: 'CREATE TABLE users (id INTEGER PRIMARY KEY, code TEXT, name TEXT CHECK (length(name) <= 20));',
    },
  },
  appliesTo: ['create-table', 'alter-table'],
  check({ statement, session }) {
    if (
      tableOptions(statement).strict ||
      (statement.kind === 'alter-table' && session.columns.strict(statement.table ?? ''))
    )
      return [];
    const table = statement.table ?? '';
    const columns: Array<{ name: string; definition: ColumnDefinition }> = [
      ...(statement.columns ?? []),
      ...statement.actions.flatMap((action) =>
        action.type === 'add-column' ? [{ name: action.column, definition: action.definition }] : [],
      ),
    ];
    const surprising = columns.flatMap((column) => {
      const type = column.definition.declaredType;
      const surprise = affinitySurprise(type);
      return surprise ? [{ ...column, type, surprise }] : [];
    });
    if (!surprising.length) return [];
    // A type SQLite does not know (STRING) or one that turns INTEGER changes the values stored: a warning. DATE,
    // BOOLEAN and VARCHAR(n) are what every ORM writes for SQLite: worth knowing, once per table, as info.
    const valueChanging = ({ surprise }: { surprise: string }) =>
      /not a type SQLite knows|contains "INT"/.test(surprise);
    const changesValues = surprising.some(valueChanging);
    const [first] = surprising;
    const hits: RuleHit[] = [
      {
        message:
          surprising.length === 1 && first
            ? `${table}.${first.name}: ${first.surprise}.`
            : `${table}: ${surprising.length} columns keep their declared type only as an affinity: ${surprising
                .map(({ name, type }) => `${name} ${type} (${affinityOf(type)})`)
                .join(', ')}. ${surprising.find(valueChanging)?.surprise ?? first?.surprise}.`,
        table,
        ...(changesValues ? {} : { severity: 'info' as const }),
        fix: {
          summary: 'Declare the storage class you mean.',
          steps: surprising.map(({ name, type }) => {
            const length = /\(\s*(\d+)/.exec(type)?.[1];
            const text = /CHAR|STRING|UUID|JSON|DATE|TIME/i.test(type);
            return fixStep(
              'A type with the affinity meant, and a CHECK for what the old type implied.',
              `${name} ${text ? 'TEXT' : 'INTEGER'}${length ? ` CHECK (length(${name}) <= ${length})` : /^BOOL/i.test(type) ? ` CHECK (${name} IN (0, 1))` : ''}`,
            );
          }),
        },
      },
    ];
    return hits;
  },
};
