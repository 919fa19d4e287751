import { ownFilesNamed, type PackageContext } from './context.js';
import type { Dependency } from './node.js';
import type { ToolFinding, ToolName } from './types.js';

/**
 * ORMs and migration tools: from declared dependencies (package.json, Python manifests, go.mod, Cargo.toml)
 * and from their config files. The first package name listed for a tool gives its version.
 */
const PACKAGES: Record<ToolName, string[]> = {
  prisma: ['prisma', '@prisma/client'],
  typeorm: ['typeorm'],
  knex: ['knex'],
  drizzle: ['drizzle-orm', 'drizzle-kit'],
  sequelize: ['sequelize', 'sequelize-cli', 'sequelize-typescript'],
  mongoose: ['mongoose'],
  'mikro-orm': ['@mikro-orm/core', '@mikro-orm/cli', '@mikro-orm/migrations'],
  alembic: ['alembic'],
  django: ['django'],
  sqlalchemy: ['sqlalchemy', 'flask-sqlalchemy', 'sqlmodel'],
  tortoise: ['tortoise-orm', 'aerich'],
  'golang-migrate': ['github.com/golang-migrate/migrate/v4', 'github.com/golang-migrate/migrate'],
  dbmate: ['dbmate', 'github.com/amacneil/dbmate/v2', 'github.com/amacneil/dbmate'],
  goose: ['github.com/pressly/goose/v3', 'github.com/pressly/goose'],
  flyway: ['node-flywaydb'],
  diesel: ['diesel', 'diesel_migrations'],
  sqlx: ['sqlx', 'sqlx-cli'],
  'sql-migrate': ['github.com/rubenv/sql-migrate'],
  sql: [],
  'multi-dialect-sql': ['github.com/gobuffalo/pop/v6', 'github.com/gobuffalo/pop', 'github.com/ory/pop/v6'],
  liquibase: [],
  sqitch: [],
  atlas: [],
  rails: [],
  ecto: [],
  'node-pg-migrate': ['node-pg-migrate'],
  kysely: ['kysely', 'kysely-ctl'],
  'db-migrate': ['db-migrate'],
};

const CONFIG_FILES: [ToolName, RegExp, string][] = [
  ['prisma', /^schema\.prisma$/, 'Prisma schema'],
  ['knex', /^knexfile\.(c|m)?(js|ts)$/, 'knexfile'],
  ['drizzle', /^drizzle\.config\.(c|m)?(js|ts|json)$/, 'drizzle-kit config'],
  ['sequelize', /^\.sequelizerc$/, 'sequelize-cli paths'],
  ['typeorm', /^ormconfig\.(json|js|ts|ya?ml)$/, 'TypeORM config'],
  ['mikro-orm', /^mikro-orm\.config\.(c|m)?(js|ts)$/, 'MikroORM config'],
  ['alembic', /^alembic\.ini$/, 'Alembic config'],
  ['django', /^manage\.py$/, 'Django manage.py'],
  ['diesel', /^diesel\.toml$/, 'Diesel config'],
  ['sqlx', /^sqlx\.toml$/, 'sqlx config'],
  ['sql-migrate', /^dbconfig\.ya?ml$/, 'sql-migrate config'],
  ['flyway', /^flyway\.(conf|toml)$/, 'Flyway config'],
  ['goose', /^\.goose\.env$/, 'goose environment'],
  ['sqitch', /^sqitch\.conf$/, 'Sqitch config'],
  ['atlas', /^atlas\.hcl$/, 'Atlas project file'],
  ['liquibase', /^liquibase\.properties$/, 'Liquibase properties'],
  ['node-pg-migrate', /^\.pgmigraterc$/, 'node-pg-migrate config'],
  ['kysely', /^kysely\.config\.(c|m)?(js|ts)$/, 'kysely-ctl config'],
  ['db-migrate', /^\.db-migraterc$/, 'db-migrate config'],
];

export const TOOL_ORDER = Object.keys(PACKAGES) as ToolName[];

export function collectToolFindings(context: PackageContext): Map<ToolName, ToolFinding> {
  const findings = new Map<ToolName, ToolFinding>();
  const finding = (name: ToolName): ToolFinding => {
    let existing = findings.get(name);
    if (!existing) {
      existing = { name, evidence: [] };
      findings.set(name, existing);
    }
    return existing;
  };
  for (const name of TOOL_ORDER) {
    const declared = PACKAGES[name]
      .map((packageName) => context.dependencies.find((dependency) => dependency.name === packageName))
      .filter((dependency): dependency is Dependency => dependency !== undefined);
    if (!declared.length) continue;
    const entry: ToolFinding = { name, version: declared[0]!.version, evidence: [] };
    findings.set(name, entry);
    for (const dependency of declared) {
      entry.evidence.push({
        file: dependency.file,
        what: `${dependency.field}: ${dependency.name} ${dependency.version}`,
      });
    }
  }
  for (const [name, pattern, label] of CONFIG_FILES) {
    for (const file of ownFilesNamed(context, pattern)) finding(name).evidence.push({ file, what: label });
  }
  return findings;
}
