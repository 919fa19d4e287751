import { cpSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { UserError } from '../errors.js';
import type { GenerateResult } from '../generate/generate.js';
import type { CliCommand, CliIO } from './command.js';
import { DEMO_EXAMPLES, type DemoExample } from './demo-examples.js';

/**
 * `db-migration-agent demo`: the whole workflow — detect, diff, generate, validate, rehearse, rollback plan, seed,
 * plan — on the examples bundled with this package (examples/shop: knex; examples/blog: Prisma), each copied to a
 * temporary folder first, with the embedded PostgreSQL and no server. Adding a step = adding an entry to DEMO_STEPS.
 */

/** What the steps of one example share: its temporary copy and what generate_migration wrote there. */
export interface DemoRun {
  example: DemoExample;
  root: string;
  generated?: GenerateResult;
}

export interface DemoStep {
  title: string;
  /** Returns the text to print, or undefined when the step does not apply to this example. */
  run(state: DemoRun, io: CliIO): Promise<string | undefined>;
}

/** The migrations generate_migration wrote, in apply order, as paths relative to the project. */
function generatedMigrations(state: DemoRun): string[] {
  const generated = state.generated;
  if (!generated?.written)
    throw new UserError(
      'demo-generate-failed',
      `generate_migration wrote nothing for ${state.example.folder}: ${generated?.notWrittenBecause ?? 'not run'}.`,
      'Run the demo from a clean clone (npm ci && npm run demo); report the output if it persists.',
    );
  return generated.drafts.map((draft) => draft.files[0]!).filter(Boolean);
}

async function checkText(
  root: string,
  paths: string[],
  executeProjectCode: boolean,
  rowCounts: Record<string, number>,
) {
  const [validate, { reportWriter }, { ruleCatalog }] = await Promise.all([
    import('../safety/validate.js'),
    import('../safety/format.js'),
    import('../safety/safety-engines.js'),
  ]);
  let text = '';
  const writer = reportWriter('text', (chunk) => (text += chunk), ruleCatalog());
  const { result } = await validate.streamMigrations({ root, paths, executeProjectCode, check: { rowCounts } }, writer);
  writer.finish(result);
  return text;
}

async function rehearsalText(root: string, migration: string, executeProjectCode: boolean) {
  const [{ runRehearsalRequest }, { renderRehearsal }] = await Promise.all([
    import('../shadow/request.js'),
    import('../shadow/render.js'),
  ]);
  return renderRehearsal(
    await runRehearsalRequest({ projectRoot: root, migration, executeProjectCode, keepWarm: true }),
  );
}

export const DEMO_STEPS: DemoStep[] = [
  {
    title: 'detect_setup — what the agent learns before touching anything',
    async run({ root, example }) {
      const [{ detectSetup }, { summarizeDetect }] = await Promise.all([
        import('../project/detect.js'),
        import('../project/summary.js'),
      ]);
      // Named after the bundled example, not the temporary copy's random folder.
      return summarizeDetect(detectSetup(root), `examples/${example.folder}`);
    },
  },
  {
    title: 'validate_safety + rehearse_migration — the hand-written draft the agent found, caught before it ships',
    async run({ root, example }) {
      if (!example.draft) return undefined;
      const check = await checkText(root, [example.draft], example.executeProjectCode, example.rowCounts);
      const rehearsal = await rehearsalText(root, example.draft, example.executeProjectCode);
      // The agent discards the unsafe draft and lets generate_migration write the change instead.
      rmSync(path.join(root, example.draft));
      return `${check.trimEnd()}\n\n${rehearsal.trimEnd()}\n\nThe agent discards ${example.draft} and generates the change instead.`;
    },
  },
  {
    title: 'diff_schema — what the schema file asks for that no migration does yet',
    async run({ root, example }) {
      if (!('from' in example.change)) return undefined;
      const [{ diffSources }, { renderSchemaDiff }] = await Promise.all([
        import('../schema/diff-sources.js'),
        import('../schema/diff/render.js'),
      ]);
      const result = await diffSources({ root, from: example.change.from, to: example.change.to, renames: [] });
      return `${result.from} → ${result.to}\n${renderSchemaDiff(result.diff)}`;
    },
  },
  {
    title: 'generate_migration — written in the project’s own format, validated and rehearsed before writing',
    async run(state) {
      const [{ generateMigration }, { renderGenerateResult }] = await Promise.all([
        import('../generate/generate.js'),
        import('../generate/render.js'),
      ]);
      const { example, root } = state;
      state.generated = await generateMigration({
        root,
        ...example.change,
        executeProjectCode: example.executeProjectCode,
        keepWarm: true,
      });
      generatedMigrations(state);
      const files = state.generated.files
        .filter((file) => !file.edit)
        .map((file) => `\n--- ${file.path}\n${file.text.trimEnd()}`);
      return `${renderGenerateResult(state.generated)}\n${files.join('\n')}`;
    },
  },
  {
    title: 'validate_safety — the generated migrations against the safety rules, at production row counts',
    async run(state) {
      const { root, example } = state;
      return checkText(root, generatedMigrations(state), example.executeProjectCode, example.rowCounts);
    },
  },
  {
    title: 'rollback_plan — the way back from the first generated migration, proven on the embedded database',
    async run(state) {
      const [{ rollbackPlan }, { renderRollbackPlan }] = await Promise.all([
        import('../plan/rollback.js'),
        import('../plan/rollback-render.js'),
      ]);
      const { root, example } = state;
      const plan = await rollbackPlan({
        projectRoot: root,
        migration: generatedMigrations(state)[0]!,
        executeProjectCode: example.executeProjectCode,
        keepWarm: true,
      });
      return renderRollbackPlan(plan);
    },
  },
  {
    title: 'generate_seed — realistic rows for the new table, every row inserted on a shadow',
    async run({ root, example }) {
      const [{ generateSeed }, { renderSeedResult }] = await Promise.all([
        import('../plan/seed/index.js'),
        import('../plan/seed/render.js'),
      ]);
      const result = await generateSeed({
        root,
        tables: example.seedTables,
        rows: 5,
        executeProjectCode: example.executeProjectCode,
      });
      const files = result.files.map((file) => `\n--- ${file.path}\n${file.text.trimEnd()}`);
      return `${renderSeedResult(result)}\n${files.join('\n')}`;
    },
  },
  {
    title: 'migration_plan — the plan the reviewer reads (Markdown, lock timeline as a Mermaid gantt)',
    async run(state) {
      const [{ migrationPlan }, { renderPlanMarkdown }] = await Promise.all([
        import('../plan/migration-plan.js'),
        import('../plan/migration-plan-markdown.js'),
      ]);
      const { root, example } = state;
      const plan = await migrationPlan({
        projectRoot: root,
        migrations: generatedMigrations(state),
        executeProjectCode: example.executeProjectCode,
        rowCounts: example.rowCounts,
        keepWarm: true,
      });
      return renderPlanMarkdown(plan);
    },
  },
  // demo steps: one entry per line, in workflow order
];

/** An example inside the installed package: dist/src/cli/demo.js and src/cli/demo.ts sit at different depths. */
export function exampleProject(folder = 'shop'): string {
  for (const relative of [`../../../examples/${folder}/`, `../../examples/${folder}/`]) {
    const candidate = fileURLToPath(new URL(relative, import.meta.url));
    if (existsSync(`${candidate}package.json`)) return candidate.replace(/\/$/, '');
  }
  throw new UserError(
    'example-missing',
    `The bundled example project examples/${folder} is missing from this installation.`,
    'Run the demo from a clone of the repository (npm ci && npm run demo).',
  );
}

/** Runs every step on a temporary copy of one example; the copy is removed afterwards. */
export async function runDemoExample(example: DemoExample, io: CliIO, number: number): Promise<void> {
  const root = mkdtempSync(path.join(tmpdir(), `dma-demo-${example.folder}-`));
  cpSync(exampleProject(example.folder), root, { recursive: true });
  try {
    io.stdout.write(
      `\n══ Example ${number}: examples/${example.folder} (${example.title}) — “${example.request}”\n` +
        `   (a temporary copy: the files generated below are written there, paths are relative to it)\n`,
    );
    const state: DemoRun = { example, root };
    let shown = 0;
    for (const step of DEMO_STEPS) {
      const text = await step.run(state, io);
      if (text === undefined) continue;
      shown += 1;
      io.stdout.write(`\n━━ ${number}.${shown} ${step.title}\n\n${text.trimEnd()}\n`);
    }
  } finally {
    const { releaseWarmPglite } = await import('../shadow/pglite.js');
    await releaseWarmPglite();
    rmSync(root, { recursive: true, force: true });
  }
}

export const demoCommand: CliCommand = {
  help: `Usage: db-migration-agent demo [shop|blog]

Runs the seven-step workflow — detect, diff, generate, validate, rehearse, rollback plan, seed, plan — on the
example projects bundled with this package, each copied to a temporary folder first (removed afterwards):
  shop  knex + PostgreSQL: a risky hand-written draft is caught, then the change is generated safely
  blog  Prisma + PostgreSQL: the model schema.prisma adds is diffed against the migrations and generated
No database server is needed: shadows are the embedded PostgreSQL (PGlite). The shop's migrations are knex
code: the demo runs them (in the sandbox) without asking because they ship with this package — for your own
project pass --execute (MCP: executeProjectCode: true).`,
  async run(args, io) {
    const wanted = DEMO_EXAMPLES.filter((example) => args.length === 0 || args.includes(example.folder));
    const unknown = args.filter((arg) => !DEMO_EXAMPLES.some((example) => example.folder === arg));
    if (unknown.length)
      throw new UserError(
        'bad-option',
        `demo has no example '${unknown.join(' ')}'.`,
        `Run 'db-migration-agent demo' or pick one of: ${DEMO_EXAMPLES.map((example) => example.folder).join(', ')}.`,
      );
    io.stdout.write('db-migration-agent demo: the whole workflow on the bundled examples, with no database server\n');
    for (const [index, example] of wanted.entries()) await runDemoExample(example, io, index + 1);
    return 0;
  },
};
