import { alembic } from './formats/alembic.js';
import { atlas } from './formats/atlas.js';
import { dbmate } from './formats/dbmate.js';
import { diesel } from './formats/diesel.js';
import { django } from './formats/django.js';
import { drizzle } from './formats/drizzle.js';
import { ecto } from './formats/ecto.js';
import { flyway } from './formats/flyway.js';
import { golangMigrate } from './formats/golang-migrate.js';
import { goose } from './formats/goose.js';
import { knex } from './formats/knex.js';
import { liquibase } from './formats/liquibase.js';
import { multiDialectSql } from './formats/multi-dialect-sql.js';
import { plainSql } from './formats/plain.js';
import { prisma } from './formats/prisma.js';
import { rails } from './formats/rails.js';
import { sequelize } from './formats/sequelize.js';
import { sqitch } from './formats/sqitch.js';
import { sqlMigrate } from './formats/sql-migrate.js';
import { typeorm } from './formats/typeorm.js';
import type { FormatReader } from './types.js';

/** Every migration format we read. Adding a format = adding its file in formats/ and one line here. */
export const FORMAT_READERS: FormatReader[] = [
  prisma,
  drizzle,
  alembic,
  django,
  dbmate,
  goose,
  sqlMigrate,
  flyway,
  diesel,
  golangMigrate,
  multiDialectSql,
  liquibase,
  sqitch,
  atlas,
  rails,
  ecto,
  typeorm,
  sequelize,
  knex,
  plainSql,
].sort((a, b) => a.priority - b.priority);
