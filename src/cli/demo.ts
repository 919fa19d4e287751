import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { UserError } from '../errors.js';
import type { CliCommand, CliIO } from './command.js';

/**
 * `db-migration-agent demo`: runs the main job on the bundled example project (examples/shop, knex +
 * PostgreSQL with a risky last migration) with embedded defaults, one step after another.
 * Adding a step = adding an entry to DEMO_STEPS.
 */
export interface DemoStep {
  title: string;
  /** Returns the text to print; throws UserError when the step cannot run. */
  run(projectRoot: string, io: CliIO): Promise<string>;
}

/** The risky migration the demo validates and rehearses. */
const LATEST_MIGRATION = 'db/migrations/20240305150000_add_order_status.js';

export const DEMO_STEPS: DemoStep[] = [
  {
    title: 'detect_setup — what the agent learns before touching anything',
    async run(projectRoot) {
      const [{ detectSetup }, { summarizeDetect }] = await Promise.all([
        import('../project/detect.js'),
        import('../project/summary.js'),
      ]);
      return summarizeDetect(detectSetup(projectRoot));
    },
  },
  {
    title: 'list_migrations — the SQL each knex migration runs, with the line that produced it',
    async run(projectRoot) {
      const [{ readMigrations }, { summarizeMigrations }] = await Promise.all([
        import('../sources/index.js'),
        import('../sources/summary.js'),
      ]);
      // The demo runs only the example bundled with this package, so it consents to running its knex code.
      return summarizeMigrations(await readMigrations(projectRoot, { executeProjectCode: true }));
    },
  },
  {
    title: 'validate_safety (check) — the latest migration against the safety rules, orders at 2M rows',
    async run(projectRoot) {
      const [validate, { reportWriter }, { ruleCatalog }] = await Promise.all([
        import('../safety/validate.js'),
        import('../safety/format.js'),
        import('../safety/rule-catalog.js'),
      ]);
      let text = '';
      const writer = reportWriter('text', (chunk) => (text += chunk), ruleCatalog());
      const { result } = await validate.streamMigrations(
        {
          root: projectRoot,
          paths: [LATEST_MIGRATION],
          // The bundled example's knex code, run in the sandbox: the demo consents for its own example.
          executeProjectCode: true,
          check: { rowCounts: { orders: 2_000_000 } },
        },
        writer,
      );
      writer.finish(result);
      return text;
    },
  },
  {
    title: 'rehearse_migration — the latest migration run on an embedded PostgreSQL (PGlite) with synthetic rows',
    async run(projectRoot) {
      const [{ runRehearsalRequest }, { renderRehearsal }, { releaseWarmPglite }] = await Promise.all([
        import('../shadow/request.js'),
        import('../shadow/render.js'),
        import('../shadow/pglite.js'),
      ]);
      try {
        const report = await runRehearsalRequest({
          projectRoot,
          migration: LATEST_MIGRATION,
          rowCounts: { orders: 2_000_000 },
          executeProjectCode: true,
        });
        return renderRehearsal(report);
      } finally {
        await releaseWarmPglite();
      }
    },
  },
  // demo steps: one entry per line, in workflow order
];

/** examples/shop inside the installed package: dist/src/cli/demo.js and src/cli/demo.ts sit at different depths. */
export function exampleProject(): string {
  for (const relative of ['../../../examples/shop/', '../../examples/shop/']) {
    const candidate = fileURLToPath(new URL(relative, import.meta.url));
    if (existsSync(`${candidate}package.json`)) return candidate.replace(/\/$/, '');
  }
  throw new UserError(
    'example-missing',
    'The bundled example project examples/shop is missing from this installation.',
    'Run the demo from a clone of the repository (npm ci && npm run demo).',
  );
}

export const demoCommand: CliCommand = {
  name: 'demo',
  summary: 'Run the workflow on the bundled example project (examples/shop).',
  help: `Usage: db-migration-agent demo

Runs each step of the migration workflow on examples/shop — a small knex + PostgreSQL shop whose latest
migration adds a NOT NULL column and a blocking index to a table that already has rows — and prints what
each step finds. Nothing is written and no database is needed. The example's migrations are knex code: the
demo runs them (in the sandbox) without asking, because they ship with this package — for your own project,
pass --execute (MCP: executeProjectCode: true) to allow it.`,
  async run(args, io) {
    if (args.length) {
      throw new UserError(
        'bad-option',
        `demo takes no arguments, got '${args.join(' ')}'.`,
        "Run 'db-migration-agent demo'.",
      );
    }
    const projectRoot = exampleProject();
    io.stdout.write(`db-migration-agent demo on ${projectRoot}\n`);
    io.stdout.write(
      "The example's knex migrations are code; the demo runs them in the sandbox without asking because they ship with this package (your own project needs --execute / executeProjectCode: true).\n",
    );
    for (const [index, step] of DEMO_STEPS.entries()) {
      io.stdout.write(`\n━━ ${index + 1}/${DEMO_STEPS.length} ${step.title}\n\n`);
      io.stdout.write(`${(await step.run(projectRoot, io)).trimEnd()}\n`);
    }
    return 0;
  },
};
