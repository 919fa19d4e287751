import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { classifyCommand } from '../../src/guard/shell-commands.js';

/** Which shell commands the Claude Code hook checks (apply), blocks (reset) or lets through untouched (other). */

const root = mkdtempSync(path.join(tmpdir(), 'dma-shell-'));
writeFileSync(
  path.join(root, 'package.json'),
  JSON.stringify({
    scripts: { 'db:migrate': 'knex migrate:latest', 'db:fresh': 'prisma migrate reset --force', dev: 'vite' },
  }),
);
writeFileSync(
  path.join(root, 'Makefile'),
  'migrate:\n\t@echo migrating\n\tgoose -dir db postgres "$(DB)" up\n\nbuild:\n\tgo build ./...\n\nnuke: build\n\t-dropdb app\n',
);
const kind = (command: string) => classifyCommand(command, root).kind;

describe('classifyCommand', () => {
  it.each([
    'npx knex migrate:latest',
    'npx prisma migrate deploy',
    'pnpm prisma migrate dev --name add_orders',
    'npx prisma db push',
    'npx drizzle-kit push',
    'npx drizzle-kit migrate',
    'npx typeorm-ts-node-commonjs migration:run -d src/data-source.ts',
    'npx sequelize-cli db:migrate',
    'alembic upgrade head',
    'uv run alembic -c alembic.ini upgrade head',
    'python manage.py migrate',
    './manage.py migrate app 0003',
    'flyway -url=jdbc:postgresql://localhost/db migrate',
    'liquibase update',
    'migrate -path db/migrations -database "$DATABASE_URL" up',
    'goose -dir db postgres "$DB" up',
    'dbmate up',
    'sqitch deploy db:pg:app',
    'bin/rails db:migrate',
    'cd api && DATABASE_URL=postgres://x npx knex migrate:latest',
    'npm run db:migrate',
    'psql "$DATABASE_URL" -f db/change.sql',
    'mysql -u root app < schema/change.sql',
    'psql -c "ALTER TABLE users ADD COLUMN note text"',
    'docker compose run --rm api npx prisma migrate deploy',
    'make migrate',
  ])('checks %s', (command) => {
    expect(kind(command)).toBe('apply');
  });

  it.each([
    'npx prisma migrate reset --force',
    'npx prisma db push --force-reset',
    'npx drizzle-kit push --force',
    'psql -c "DROP DATABASE app"',
    'dropdb app',
    'npm run db:fresh',
    'npx sequelize-cli db:migrate:undo:all',
    'flyway clean',
    'rails db:reset',
    'npx knex migrate:latest && npx prisma migrate reset',
    'make nuke',
  ])('blocks the reset %s', (command) => {
    expect(kind(command)).toBe('reset');
  });

  it.each([
    'git status',
    'git commit -m "prisma migrate reset"',
    'echo "DROP DATABASE app"',
    'npm run dev',
    'npm test',
    'ls db/migrations',
    'cat db/migrations/0001_init.up.sql',
    'grep -r "knex migrate:latest" docs',
    'psql -c "SELECT count(*) FROM users"',
    'make build',
    'make',
  ])('lets %s through', (command) => {
    expect(kind(command)).toBe('other');
  });

  it('follows cd: the migrations of the package the command runs in', () => {
    expect(classifyCommand('cd packages/api && npx prisma migrate deploy', root)).toMatchObject({
      kind: 'apply',
      cwd: path.join(root, 'packages/api'),
    });
  });

  it('keeps the DDL given on the command line', () => {
    expect(classifyCommand(`psql "$DATABASE_URL" -c 'ALTER TABLE users DROP COLUMN email'`, root)).toMatchObject({
      kind: 'apply',
      sql: 'ALTER TABLE users DROP COLUMN email',
    });
  });

  it('names the SQL files a client is given', () => {
    expect(classifyCommand('psql -v ON_ERROR_STOP=1 -f "db/a b.sql" -f db/c.sql', root)).toEqual({
      kind: 'apply',
      what: 'psql with a SQL file',
      files: ['db/a b.sql', 'db/c.sql'],
      cwd: root,
    });
    expect(classifyCommand('cat db/x.sql | psql app', root)).toMatchObject({ kind: 'apply', files: ['db/x.sql'] });
  });
});
