import type { DdlRule } from '../../../../safety/ddl-check.js';
import { fixStep } from './shared.js';

const isOff = (value: string) => /^(0|off|false)$/i.test(value.replace(/['"]/g, ''));

export const mysqlForeignKeyChecksLeftOff: DdlRule = {
  meta: {
    id: 'mysql-foreign-key-checks-left-off',
    title: 'foreign_key_checks turned off and not turned back on',
    category: 'careful',
    defaultSeverity: 'warning',
    engines: ['mysql', 'mariadb'],
    locks: [],
    rewritesTable: false,
    scansTable: false,
    breaksOldCode: false,
    why: 'With foreign_key_checks = 0 MySQL accepts foreign keys and rows that point at nothing, and never checks them later, not even when the setting is turned back on. Left off, the pooled connection the migration tool hands back keeps skipping the checks for whatever runs on it next.',
    safeAlternative:
      'Turn the checks off only around the statements that need it (an online ADD FOREIGN KEY), set them back to 1 in the same migration, and verify orphans with a LEFT JOIN … IS NULL query.',
    examples: {
      bad: 'SET foreign_key_checks = 0;\nALTER TABLE orders ADD CONSTRAINT orders_user FOREIGN KEY (user_id) REFERENCES users (id);',
      good: 'SET foreign_key_checks = 0;\nALTER TABLE orders ADD CONSTRAINT orders_user FOREIGN KEY (user_id) REFERENCES users (id), ALGORITHM=INPLACE;\nSET foreign_key_checks = 1;',
    },
  },
  finish({ statements }) {
    let off: (typeof statements)[number] | undefined;
    for (const statement of statements) {
      if (statement.setting?.name !== 'foreign_key_checks') continue;
      off = isOff(statement.setting.value) ? (off ?? statement) : undefined;
    }
    if (!off) return [];
    return [
      {
        at: { index: off.index, span: off.span, sql: off.sql, kind: off.kind },
        message: `foreign_key_checks is turned off at line ${off.span.start.line} and never turned back on: rows and keys added meanwhile are never checked, and the connection keeps it off.`,
        fix: {
          summary: 'Turn the checks back on before the migration ends.',
          steps: [fixStep('After the statements that needed it.', 'SET foreign_key_checks = 1;')],
        },
      },
    ];
  },
};
