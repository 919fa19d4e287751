#!/usr/bin/env node
// Claude Code PreToolUse hook on Bash. Runs on every shell command, so it first looks for a word that can start a
// migration, a reset or DDL (a cheap superset: `git status` costs nothing), and only then starts
// `db-migration-agent hook claude-code`, which decides. The CLI is the project's own install when there is one,
// else npx's; DB_MIGRATION_AGENT_BIN names a bin.js to run instead. If it cannot be started or crashes, the
// command is allowed and a note says so: a broken guard must not stop the agent's work.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';

const MAYBE_DATABASE =
  /migrat|prisma|drizzle|psql|mysql|mariadb|sqlite3|pgcli|mycli|alembic|manage\.py|django|flyway|liquibase|goose|dbmate|sqitch|knex|typeorm|sequelize|kysely|mikro-orm|atlas|diesel|sqlx|rails|dropdb|drop\s+database|\b(npm|pnpm|yarn|bun|make)\b/i;

const chunks = [];
for await (const chunk of process.stdin) chunks.push(chunk);
const input = Buffer.concat(chunks).toString('utf8');

let command = '';
let cwd = process.cwd();
try {
  const parsed = JSON.parse(input);
  command = typeof parsed?.tool_input?.command === 'string' ? parsed.tool_input.command : '';
  if (typeof parsed?.cwd === 'string') cwd = parsed.cwd;
} catch {
  // The CLI reports unreadable input itself (and fails open).
  command = input;
}
if (!MAYBE_DATABASE.test(command)) process.exit(0);

function failOpen(why) {
  process.stdout.write(
    `${JSON.stringify({ systemMessage: `db-migration-agent could not check this command (${why}); it was allowed unchecked (the hook fails open).` })}\n`,
  );
  process.exit(0);
}

const local = path.join(cwd, 'node_modules', '.bin', 'db-migration-agent');
const [program, args] = process.env.DB_MIGRATION_AGENT_BIN
  ? [process.execPath, [process.env.DB_MIGRATION_AGENT_BIN]]
  : existsSync(local)
    ? [local, []]
    : ['npx', ['-y', 'db-migration-agent']];

const child = spawn(program, [...args, 'hook', 'claude-code', '--root', cwd], {
  cwd,
  stdio: ['pipe', 'pipe', 'pipe'],
});
let out = '';
let err = '';
child.stdout.on('data', (data) => {
  out += data;
});
child.stderr.on('data', (data) => {
  err += data;
});
child.on('error', (error) => failOpen(`db-migration-agent could not be started: ${error.message}`));
child.on('close', (code) => {
  // Exit 2 blocks in Claude Code: only a decision of the hook may do that, not a usage error of an older CLI.
  const decided = code === 0 || (code === 2 && err.startsWith('db-migration-agent blocked'));
  if (decided) {
    process.stdout.write(out);
    process.stderr.write(err);
    process.exit(code);
  }
  failOpen(`db-migration-agent exited with ${code}: ${err.trim().split('\n')[0] || 'no message'}`);
});
child.stdin.on('error', () => {});
child.stdin.end(input);
