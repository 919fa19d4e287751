import type { DdlRule } from '../../../../safety/ddl-check.js';
import { describeCosts, statementClauses, statementCost } from '../algorithms.js';
import { targetOf } from '../server-version.js';
import { existingTable, fixStep, rowsNote } from './shared.js';

export const mysqlCopyAlter: DdlRule = {
  meta: {
    id: 'mysql-copy-alter',
    title: 'ALTER copies the table and blocks writes (ALGORITHM=COPY)',
    category: 'careful',
    defaultSeverity: 'warning',
    engines: ['mysql', 'mariadb'],
    locks: [],
    rewritesTable: true,
    scansTable: true,
    breaksOldCode: false,
    why: 'A COPY ALTER (https://dev.mysql.com/doc/refman/8.0/en/innodb-online-ddl-operations.html: changing a column type, narrowing, a sign change, reordering or removing ENUM/SET members, converting a character set) builds a new copy of the table row by row while holding LOCK=SHARED: reads go on, every INSERT, UPDATE and DELETE waits until the copy ends — minutes to hours on a large table.',
    safeAlternative:
      'Run the change with an online schema change tool (gh-ost, or pt-online-schema-change when triggers are acceptable) that copies in the background and swaps tables at the end; or schedule a maintenance window.',
    examples: {
      bad: 'ALTER TABLE orders MODIFY total bigint NOT NULL;',
      good: '-- run online instead of in the migration:\n-- gh-ost --database=shop --table=orders --alter="MODIFY total bigint NOT NULL" --execute',
    },
    peers: { atlas: 'MY101' },
  },
  appliesTo: ['alter-table'],
  check(context) {
    const table = existingTable(context);
    if (!table) return [];
    const clauses = statementClauses(context.statement, context.session);
    const target = targetOf(context.engineVersion);
    // An ENUM/SET change against unknown members may be INSTANT: mysql-enum-set-change asks to check the list.
    const copying = clauses.filter(
      (clause) => !clause.membersUnknown && target.lines.some((line) => clause.byServer[line].algorithm === 'COPY'),
    );
    if (copying.length === 0) return [];
    const rows = context.rowCount(table);
    const large = rows !== undefined && rows >= context.largeTableRows;
    const alter = context.statement.actions
      .filter((action) => !/^(ALGORITHM|LOCK)\b/i.test(action.text))
      .map((action) => action.text)
      .join(', ')
      .replace(/"/g, '\\"');
    const [database, name] = table.includes('.') ? table.split('.') : ['<database>', table];
    const caveats = copying.flatMap((clause) => (clause.caveat ? [clause.caveat] : []));
    const risks = copying.flatMap((clause) => (clause.dataRisk ? [clause.dataRisk] : []));
    return [
      {
        message: `${copying.map((clause) => clause.clause).join('; ')} on ${table}${rowsNote(context, table)} copies the table while writes wait: ${describeCosts(statementCost(clauses), target)}.${caveats.length > 0 ? ` Note: ${caveats.join('; ')}.` : ''}${risks.length > 0 ? ` Data: ${risks.join('; ')}.` : ''}`,
        table,
        severity: large ? 'error' : 'warning',
        fix: {
          summary: 'Run it with an online schema change tool instead of a blocking ALTER.',
          steps: [
            fixStep(
              'gh-ost copies through the binary log (needs binlog_format=ROW; no foreign keys on the table) and cuts over at the end.',
              `gh-ost --host=<host> --user=<user> --ask-pass --database=${database} --table=${name} --alter="${alter}" --chunk-size=1000 --max-load=Threads_running=25 --critical-load=Threads_running=100 --exact-rowcount --execute`,
              true,
            ),
            fixStep(
              'Or pt-online-schema-change, which copies with triggers (not possible when the table already has triggers on MySQL before 5.7.2).',
              `pt-online-schema-change --alter "${alter}" --max-load Threads_running=25 --critical-load Threads_running=100 --chunk-size 1000 --execute D=${database},t=${name}`,
              true,
            ),
            fixStep('Or, in a maintenance window, the same ALTER as written.', `${context.statement.sql};`, true),
          ],
        },
      },
    ];
  },
};
