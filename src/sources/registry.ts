import type { ToolName } from '../project/types.js';
import { alembic } from './formats/alembic.js';
import { atlas } from './formats/atlas.js';
import { dbMigrate } from './formats/db-migrate.js';
import { dbmate } from './formats/dbmate.js';
import { diesel } from './formats/diesel.js';
import { django } from './formats/django.js';
import { drizzle } from './formats/drizzle.js';
import { ecto } from './formats/ecto.js';
import { flyway } from './formats/flyway.js';
import { golangMigrate } from './formats/golang-migrate.js';
import { goose } from './formats/goose.js';
import { knex } from './formats/knex.js';
import { kysely } from './formats/kysely.js';
import { liquibase } from './formats/liquibase.js';
import { mikroOrm } from './formats/mikro-orm.js';
import { multiDialectSql } from './formats/multi-dialect-sql.js';
import { nodePgMigrate } from './formats/node-pg-migrate.js';
import { plainSql } from './formats/plain.js';
import { prisma } from './formats/prisma.js';
import { rails } from './formats/rails.js';
import { sequelize } from './formats/sequelize.js';
import { sqitch } from './formats/sqitch.js';
import { sqlMigrate } from './formats/sql-migrate.js';
import { sqlx } from './formats/sqlx.js';
import { tortoise } from './formats/tortoise.js';
import { typeorm } from './formats/typeorm.js';
import { type FormatModule, type FormatReader, isReader } from './types.js';

/**
 * Every migration tool's module, in scan order. Adding a format = adding its file in formats/ and one line here
 * (and its name in MIGRATION_FORMATS when it has a reader).
 */
export const FORMAT_MODULES: FormatModule[] = [
  prisma,
  drizzle,
  knex,
  typeorm,
  sequelize,
  mikroOrm,
  alembic,
  django,
  tortoise,
  diesel,
  sqlx,
  golangMigrate,
  flyway,
  dbmate,
  goose,
  sqlMigrate,
  multiDialectSql,
  liquibase,
  sqitch,
  atlas,
  rails,
  ecto,
  nodePgMigrate,
  kysely,
  dbMigrate,
  plainSql,
].sort((a, b) => a.priority - b.priority);

/** The modules whose migrations are read into statements. */
export const FORMAT_READERS: FormatReader[] = FORMAT_MODULES.filter(isReader);

export function moduleForTool(tool: ToolName): FormatModule | undefined {
  return FORMAT_MODULES.find((module) => module.tool === tool);
}
