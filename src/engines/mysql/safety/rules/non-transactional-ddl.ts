import type { DdlRule } from '../../../../safety/ddl-check.js';
import type { DdlKind } from '../../../../safety/ddl-model.js';
import { fixStep } from './shared.js';

const DDL: ReadonlySet<DdlKind> = new Set([
  'alter-table',
  'create-table',
  'create-index',
  'drop-table',
  'drop-index',
  'rename-table',
]);

export const mysqlNonTransactionalDdl: DdlRule = {
  meta: {
    id: 'mysql-non-transactional-ddl',
    title: 'Several statements with DDL: a failure leaves the migration half applied',
    category: 'careful',
    defaultSeverity: 'warning',
    engines: ['mysql', 'mariadb'],
    locks: [],
    rewritesTable: false,
    scansTable: false,
    breaksOldCode: false,
    why: 'MySQL and MariaDB commit before and after every DDL statement (implicit commit), so BEGIN … ROLLBACK cannot undo it. When a later statement fails, the earlier ones stay applied and the migration tool usually records the migration as failed or dirty: rerunning it fails on what already exists.',
    safeAlternative:
      'Put one DDL statement in each migration, or make every statement rerunnable (IF NOT EXISTS / IF EXISTS) so the migration can be run again after a failure.',
    examples: {
      bad: 'ALTER TABLE users ADD COLUMN nickname varchar(50);\nCREATE INDEX users_nickname ON users (nickname);',
      good: '-- 001_add_nickname.sql\nALTER TABLE users ADD COLUMN nickname varchar(50);\n-- 002_index_nickname.sql\nCREATE INDEX users_nickname ON users (nickname);',
    },
  },
  finish(context) {
    const statements = context.statements.filter((statement) => statement.kind !== 'set');
    const ddl = statements.filter((statement) => DDL.has(statement.kind));
    if (statements.length < 2 || ddl.length === 0) return [];
    const second = statements[1];
    if (!second) return [];
    const where = (index: number) => `line ${statements[index]?.span.start.line}`;
    const stages = [1, 2, 3]
      .filter((failing) => failing < statements.length)
      .map(
        (failing) =>
          `if ${where(failing)} fails, ${statements
            .slice(0, failing)
            .map((_, i) => where(i))
            .join(', ')} stay applied`,
      );
    const inBegin = context.statements.some((statement) => statement.kind === 'begin');
    return [
      {
        at: { index: second.index, span: second.span, sql: second.sql, kind: second.kind },
        message: `${statements.length} statements, ${ddl.length} of them DDL, each committed on its own: ${stages.join('; ')}${statements.length > 4 ? '; …' : ''}.${inBegin ? ' The BEGIN does not help: DDL commits the open transaction.' : ''}`,
        fix: {
          summary: 'One DDL statement per migration, or statements that can be rerun.',
          steps: ddl
            .slice(0, 3)
            .map((statement) =>
              fixStep(`Its own migration (line ${statement.span.start.line}).`, `${statement.sql};`, true),
            ),
        },
      },
    ];
  },
};
