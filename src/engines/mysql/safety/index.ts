import { checkDdl, type DdlEngineSpec } from '../../../safety/ddl-check.js';
import { notParsedRule } from '../../../safety/not-parsed.js';
import type { SafetyEngine } from '../../../safety/safety-engine.js';
import { mysqlStatementLocks } from './lock-summary.js';
import { mysqlAddColumnNotNullWithoutDefault } from './rules/add-column-not-null-without-default.js';
import { mysqlAlgorithmNotPinned } from './rules/algorithm-not-pinned.js';
import { mysqlAlgorithmRefused } from './rules/algorithm-refused.js';
import { mysqlCharsetChange } from './rules/charset-change.js';
import { mysqlColumnTypeChange } from './rules/column-type-change.js';
import { mysqlCopyAlter } from './rules/copy-alter.js';
import { mysqlDropColumn } from './rules/drop-column.js';
import { mysqlDropTable } from './rules/drop-table.js';
import { mysqlEnumSetChange } from './rules/enum-set-change.js';
import { mysqlForeignKeyChecksLeftOff } from './rules/foreign-key-checks-left-off.js';
import { mysqlIntAutoIncrementKey } from './rules/int-auto-increment-key.js';
import { mysqlLockWaitTimeout } from './rules/lock-wait-timeout.js';
import { mysqlNonTransactionalDdl } from './rules/non-transactional-ddl.js';
import { mysqlRename } from './rules/rename.js';
import { parseMysqlTarget, targetNote } from './server-version.js';

/** MySQL and MariaDB: the statement model of ddl-model.ts, the algorithm facts of algorithms.ts, these rules. */
const spec: DdlEngineSpec = {
  name: 'mysql',
  dialect: 'mysql',
  rules: [
    mysqlAddColumnNotNullWithoutDefault,
    mysqlAlgorithmNotPinned,
    mysqlAlgorithmRefused,
    mysqlCharsetChange,
    mysqlColumnTypeChange,
    mysqlCopyAlter,
    mysqlDropColumn,
    mysqlDropTable,
    mysqlEnumSetChange,
    mysqlForeignKeyChecksLeftOff,
    mysqlIntAutoIncrementKey,
    mysqlLockWaitTimeout,
    mysqlNonTransactionalDdl,
    mysqlRename,
    notParsedRule({ id: 'mysql-not-parsed', engines: ['mysql', 'mariadb'], engineLabel: 'MySQL' }),
  ],
  locks: mysqlStatementLocks,
};

export const mysqlSafety: SafetyEngine = {
  name: 'mysql',
  ruleMeta: () => spec.rules.map((rule) => rule.meta),
  versionNote: (version) => targetNote(parseMysqlTarget(version)),
  check: (sql, options, sink) => checkDdl(spec, sql, options, sink),
};
