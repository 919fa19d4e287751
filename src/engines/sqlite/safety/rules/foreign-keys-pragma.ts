import type { DdlRule } from '../../../../safety/ddl-check.js';
import type { RuleHit } from '../../../../safety/types.js';
import { fixStep } from '../../../mysql/safety/rules/shared.js';

const isOff = (value: string | undefined) =>
  value !== undefined && /^(0|off|false|no)$/i.test(value.replace(/['"]/g, ''));

export const sqliteForeignKeysPragma: DdlRule = {
  meta: {
    id: 'sqlite-foreign-keys-pragma',
    title: 'PRAGMA foreign_keys during a migration',
    category: 'careful',
    defaultSeverity: 'error',
    engines: ['sqlite'],
    locks: [],
    rewritesTable: false,
    scansTable: false,
    breaksOldCode: false,
    why: 'PRAGMA foreign_keys is a no-op inside a transaction, so turning enforcement off there does nothing: the DROP TABLE of a rebuild then deletes the rows of ON DELETE CASCADE children. And with enforcement off, nothing checks the data until PRAGMA foreign_key_check is run.',
    safeAlternative:
      'Turn foreign keys off before BEGIN (outside the migration tool’s transaction), run PRAGMA foreign_key_check before COMMIT, and turn them back on after.',
    examples: {
      bad: 'BEGIN;\nPRAGMA foreign_keys = OFF;\nDROP TABLE users;\nALTER TABLE users_new RENAME TO users;\nCOMMIT;',
      good: 'PRAGMA foreign_keys = OFF;\nBEGIN;\nDROP TABLE users;\nALTER TABLE users_new RENAME TO users;\nPRAGMA foreign_key_check;\nCOMMIT;\nPRAGMA foreign_keys = ON;',
    },
  },
  appliesTo: ['pragma'],
  check({ statement, session }) {
    const hits: RuleHit[] = [];
    if (statement.setting?.name === 'foreign_keys' && isOff(statement.setting.value) && session.inTransaction) {
      hits.push({
        message: `PRAGMA foreign_keys = ${statement.setting.value} inside a transaction is a no-op: foreign keys stay enforced if they were, and dropping a parent table deletes its ON DELETE CASCADE children.`,
        fix: {
          summary: 'Set it before the transaction starts.',
          steps: [
            fixStep(
              'Before BEGIN (or outside the migration tool’s transaction).',
              `PRAGMA foreign_keys = ${statement.setting.value};`,
            ),
          ],
        },
      });
    }
    return hits;
  },
  finish({ statements }) {
    const off = statements.find(
      (statement) => statement.setting?.name === 'foreign_keys' && isOff(statement.setting.value),
    );
    if (!off) return [];
    const checked = statements.some(
      (statement) => statement.index > off.index && statement.setting?.name === 'foreign_key_check',
    );
    if (checked) return [];
    return [
      {
        at: { index: off.index, span: off.span, sql: off.sql, kind: off.kind },
        message:
          'Foreign keys are turned off and PRAGMA foreign_key_check never runs: rows left pointing at nothing go unnoticed.',
        severity: 'warning',
        fix: {
          summary: 'Verify before committing.',
          steps: [fixStep('Before COMMIT; it must return no rows.', 'PRAGMA foreign_key_check;')],
        },
      },
    ];
  },
};
