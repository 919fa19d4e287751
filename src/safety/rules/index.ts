import type { Rule } from '../types.js';
import { addColumnGeneratedStored } from './add-column-generated-stored.js';
import { addColumnNotNullWithoutDefault } from './add-column-not-null-without-default.js';
import { addColumnSerialOrIdentity } from './add-column-serial-or-identity.js';
import { addColumnVolatileDefault } from './add-column-volatile-default.js';
import { alterDomainAddConstraint } from './alter-domain-add-constraint.js';
import { attachPartitionWithoutCheck } from './attach-partition-without-check.js';
import { banCharType } from './ban-char-type.js';
import { checkConstraintNotImmutable } from './check-constraint-not-immutable.js';
import { checkConstraintNotValid } from './check-constraint-not-valid.js';
import { columnTypeChange } from './column-type-change.js';
import { combineAlterTable } from './combine-alter-table.js';
import { concurrentlyInTransaction } from './concurrently-in-transaction.js';
import { createDomainWithCheck } from './create-domain-with-check.js';
import { createEnum } from './create-enum.js';
import { detachPartitionConcurrently } from './detach-partition-concurrently.js';
import { dropCascade } from './drop-cascade.js';
import { dropColumn } from './drop-column.js';
import { dropConstraint } from './drop-constraint.js';
import { dropDatabase } from './drop-database.js';
import { dropNotNull } from './drop-not-null.js';
import { dropSchema } from './drop-schema.js';
import { dropTable } from './drop-table.js';
import { duplicateColumn } from './duplicate-column.js';
import { enumAddValueInTransaction } from './enum-add-value-in-transaction.js';
import { exclusionConstraint } from './exclusion-constraint.js';
import { foreignKeyMissingIndex } from './foreign-key-missing-index.js';
import { foreignKeyNotValid } from './foreign-key-not-valid.js';
import { identifierTooLong } from './identifier-too-long.js';
import { partitionedUniqueKey } from './partitioned-unique-key.js';
import { preferBigintPrimaryKey } from './prefer-bigint-primary-key.js';
import { preferIdentity } from './prefer-identity.js';
import { preferJsonb } from './prefer-jsonb.js';
import { preferRobustStatements } from './prefer-robust-statements.js';
import { preferTextOverVarchar } from './prefer-text-over-varchar.js';
import { preferTimestamptz } from './prefer-timestamptz.js';
import { primaryKeyUsingIndexNullable } from './primary-key-using-index-nullable.js';
import { primaryKeyWithoutIndex } from './primary-key-without-index.js';
import { refreshMaterializedView } from './refresh-materialized-view.js';
import { renameColumn } from './rename-column.js';
import { renameEnumValue } from './rename-enum-value.js';
import { renameSchema } from './rename-schema.js';
import { renameTable } from './rename-table.js';
import { requireConcurrentIndexCreation } from './require-concurrent-index-creation.js';
import { requireConcurrentIndexDeletion } from './require-concurrent-index-deletion.js';
import { requireConcurrentReindex } from './require-concurrent-reindex.js';
import { requireLockTimeout } from './require-lock-timeout.js';
import { requireStatementTimeout } from './require-statement-timeout.js';
import { setNotNull } from './set-not-null.js';
import { setSchema } from './set-schema.js';
import { statementAfterAccessExclusive } from './statement-after-access-exclusive.js';
import { tableStorageRewrite } from './table-storage-rewrite.js';
import { transactionNesting } from './transaction-nesting.js';
import { truncateTable } from './truncate-table.js';
import { unbatchedBackfill } from './unbatched-backfill.js';
import { uniqueConstraintWithoutIndex } from './unique-constraint-without-index.js';
import { uniqueIndexOnExistingData } from './unique-index-on-existing-data.js';
import { vacuumFullOrCluster } from './vacuum-full-or-cluster.js';
import { validateInSameTransaction } from './validate-in-same-transaction.js';
import { wideIndex } from './wide-index.js';

/** Every PostgreSQL safety rule, one file each; the engine runs them in this order. */
export const RULES: Rule[] = [
  addColumnGeneratedStored,
  addColumnNotNullWithoutDefault,
  addColumnSerialOrIdentity,
  addColumnVolatileDefault,
  alterDomainAddConstraint,
  attachPartitionWithoutCheck,
  banCharType,
  checkConstraintNotImmutable,
  checkConstraintNotValid,
  columnTypeChange,
  combineAlterTable,
  concurrentlyInTransaction,
  createDomainWithCheck,
  createEnum,
  detachPartitionConcurrently,
  dropCascade,
  dropColumn,
  dropConstraint,
  dropDatabase,
  dropNotNull,
  dropSchema,
  dropTable,
  duplicateColumn,
  enumAddValueInTransaction,
  exclusionConstraint,
  foreignKeyMissingIndex,
  foreignKeyNotValid,
  identifierTooLong,
  partitionedUniqueKey,
  preferBigintPrimaryKey,
  preferIdentity,
  preferJsonb,
  preferRobustStatements,
  preferTextOverVarchar,
  preferTimestamptz,
  primaryKeyUsingIndexNullable,
  primaryKeyWithoutIndex,
  refreshMaterializedView,
  renameColumn,
  renameEnumValue,
  renameSchema,
  renameTable,
  requireConcurrentIndexCreation,
  requireConcurrentIndexDeletion,
  requireConcurrentReindex,
  requireLockTimeout,
  requireStatementTimeout,
  setNotNull,
  setSchema,
  statementAfterAccessExclusive,
  tableStorageRewrite,
  transactionNesting,
  truncateTable,
  unbatchedBackfill,
  uniqueConstraintWithoutIndex,
  uniqueIndexOnExistingData,
  vacuumFullOrCluster,
  validateInSameTransaction,
  wideIndex,
];
