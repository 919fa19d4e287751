import { alembic } from './formats/alembic.js';
import { dbMigrate } from './formats/db-migrate.js';
import { dbmate } from './formats/dbmate.js';
import { diesel } from './formats/diesel.js';
import { django } from './formats/django.js';
import { drizzle } from './formats/drizzle.js';
import { flyway } from './formats/flyway.js';
import { golangMigrate } from './formats/golang-migrate.js';
import { goose } from './formats/goose.js';
import { knex } from './formats/knex.js';
import { kysely } from './formats/kysely.js';
import { mikroOrm } from './formats/mikro-orm.js';
import { nodePgMigrate } from './formats/node-pg-migrate.js';
import { plainSql } from './formats/plain.js';
import { prisma } from './formats/prisma.js';
import { sequelize } from './formats/sequelize.js';
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
  typeorm,
  sequelize,
  knex,
  nodePgMigrate,
  kysely,
  mikroOrm,
  dbMigrate,
  plainSql,
].sort((a, b) => a.priority - b.priority);
