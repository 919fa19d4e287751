import type { DdlRule } from '../../../../safety/ddl-check.js';
import type { ColumnDefinition } from '../../../../safety/ddl-model.js';
import type { RuleHit } from '../../../../safety/types.js';
import { fixStep, quoteName } from '../../../mysql/safety/rules/shared.js';
import { rebuildSteps } from './alter-needs-rebuild.js';

/** Why SQLite refuses ADD COLUMN with this definition (its own error text), if it does. */
export function refusal(definition: ColumnDefinition, text: string): string | undefined {
  const fallback = definition.defaultText?.toUpperCase();
  if (definition.primaryKey) return 'Cannot add a PRIMARY KEY column';
  if (definition.unique) return 'Cannot add a UNIQUE column';
  if (definition.generated && /\bSTORED\b/i.test(text)) return 'cannot add a STORED column';
  if (definition.notNull && !definition.hasDefault && !definition.generated)
    return 'Cannot add a NOT NULL column with default value NULL';
  if (fallback && (/^CURRENT_(TIME|DATE|TIMESTAMP)$/.test(fallback) || fallback.startsWith('(')))
    return 'Cannot add a column with non-constant default';
  if (definition.references && definition.hasDefault)
    return 'Cannot add a REFERENCES column with non-NULL default value';
  return undefined;
}

export const sqliteAddColumnRefused: DdlRule = {
  meta: {
    id: 'sqlite-add-column-refused',
    title: 'ADD COLUMN that SQLite refuses',
    category: 'careful',
    defaultSeverity: 'error',
    engines: ['sqlite'],
    locks: [],
    rewritesTable: false,
    scansTable: false,
    breaksOldCode: false,
    why: 'SQLite adds a column without touching rows, so it refuses what would need them: NOT NULL without a non-NULL default, PRIMARY KEY or UNIQUE, a non-constant default (CURRENT_TIMESTAMP, an expression), a STORED generated column, a REFERENCES column with a non-NULL default.',
    safeAlternative:
      'Add the column nullable or with a constant default and backfill; for a key, a unique or stored column, rebuild the table.',
    examples: {
      bad: 'ALTER TABLE users ADD COLUMN status text NOT NULL;',
      good: "ALTER TABLE users ADD COLUMN status text NOT NULL DEFAULT 'active';",
    },
  },
  appliesTo: ['alter-table'],
  check({ statement }) {
    const table = statement.table;
    if (!table) return [];
    const hits: RuleHit[] = [];
    for (const action of statement.actions) {
      if (action.type !== 'add-column') continue;
      const reason = refusal(action.definition, action.text);
      if (!reason) continue;
      const simple = reason.startsWith('Cannot add a NOT NULL');
      hits.push({
        message: `SQLite refuses ADD COLUMN ${action.column}: "${reason}".`,
        table,
        fix: simple
          ? {
              summary: 'Give it a constant default.',
              steps: [
                fixStep(
                  'A constant default fills existing rows.',
                  `ALTER TABLE ${quoteName(table)} ADD COLUMN ${quoteName(action.column)} ${action.definition.type} NOT NULL DEFAULT <constant>;`,
                ),
              ],
            }
          : { summary: `Rebuild ${table} with the new column.`, steps: rebuildSteps(table) },
      });
    }
    return hits;
  },
};
