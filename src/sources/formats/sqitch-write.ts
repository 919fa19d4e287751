import { UserError } from '../../errors.js';
import type { Engine } from '../../model.js';
import { joinRelative } from '../../project/walk.js';
import type { FormatWriter } from '../types.js';
import { parsePlan, parseSqitchConf } from './sqitch-plan.js';
import { verifyQueries } from './sqitch-verify.js';
import { hasTransactionalDdl, headerText, newFileAt, sqlComments, sqlScript } from './sql-write-common.js';

const SQITCH_ENGINES: Record<string, string> = {
  postgresql: 'pg',
  cockroachdb: 'cockroach',
  mysql: 'mysql',
  mariadb: 'mysql',
  sqlite: 'sqlite',
};

/** Why the script opens no transaction (Sqitch has no per-change flag to say it). */
function noTransaction(engine: Engine): string[] {
  if (!hasTransactionalDdl(engine)) {
    return [
      'Sqitch has no per-change transaction flag; this script opens no transaction: each DDL statement commits on its own.',
    ];
  }
  return [
    'Sqitch has no per-change transaction flag: this script opens no transaction because a statement here',
    'cannot run in one. Keep such statements in a change of their own.',
  ];
}

/** Planner and email of the plan's last change or tag line (`name [deps] <time> Planner Name <email> # note`). */
function lastPlanner(plan: string): string | undefined {
  const lines = plan.split('\n').reverse();
  for (const line of lines) {
    const match = /\s(\d{4}-\d\d-\d\dT\S+)\s+(.+?<[^>]*>)/.exec(line);
    if (match && !/^\s*[%#]/.test(line)) return match[2];
  }
  return undefined;
}

function script(first: string[], statements: string[], transactional: boolean, engine: Engine): string {
  const head = `${sqlComments(first)}\n`;
  if (!transactional) return `${head}${sqlComments(noTransaction(engine))}\n\n${sqlScript(statements)}\n`;
  return `${head}\nBEGIN;\n\n${sqlScript(statements)}\n\nCOMMIT;\n`;
}

/**
 * Sqitch: deploy/, revert/ and verify/ `<change>.sql` in the templates' shape (BEGIN … COMMIT) and the plan line
 * `<change> [<previous change>] <time> <planner> # <note>`, appended to sqitch.plan.
 */
export const writeSqitch: FormatWriter = (draft, folder, context) => {
  const dir = folder.dir.path;
  // sqitch.conf may move the plan and the script folders (relative to the folder holding it), as the reader honours.
  const conf = parseSqitchConf(context.read(joinRelative(dir, 'sqitch.conf')) ?? '');
  const planPath = joinRelative(dir, conf.planFile ?? 'sqitch.plan');
  const scriptPath = (kind: 'deploy' | 'revert' | 'verify') =>
    joinRelative(
      dir,
      { deploy: conf.deployDir, revert: conf.revertDir, verify: conf.verifyDir }[kind] ?? kind,
      `${draft.name}.sql`,
    );
  const plan = context.read(planPath);
  if (plan === undefined) {
    throw new UserError('sqitch-plan-missing', `${planPath} does not exist.`, 'Run `sqitch init` first.', {
      file: planPath,
    });
  }
  const { changes } = parsePlan(plan, planPath);
  if (changes.some((change) => change.name === draft.name)) {
    throw new UserError(
      'sqitch-change-exists',
      `${planPath} already has a change named ${draft.name}; a second one is a rework, which needs a tag first.`,
      'Give the migration another name, or tag the plan and rework the change with `sqitch rework`.',
      { file: planPath },
    );
  }
  const engine = conf.engine ?? SQITCH_ENGINES[draft.engine] ?? draft.engine;
  const project = /^%project=(\S+)/m.exec(plan)?.[1];
  const change = project ? `${project}:${draft.name}` : draft.name;
  const previous = changes.filter((entry) => !entry.revert).at(-1)?.name;
  const header = [...(previous ? [`requires: ${previous}`] : []), ...headerText(draft)];

  const deploy = script([`Deploy ${change} to ${engine}`, ...header], draft.up, draft.transactional, draft.engine);
  const revert = script([`Revert ${change} from ${engine}`], draft.down, draft.transactional, draft.engine);
  const checks = verifyQueries(draft.changes, draft.engine);
  const verify = `-- Verify ${change} on ${engine}\n\nBEGIN;\n\n${
    checks.length ? checks.join('\n') : '-- No query can tell this change was deployed: deploy succeeding is the check.'
  }\n\nROLLBACK;\n`;

  const time = context.now.toISOString().replace(/\.\d{3}Z$/, 'Z');
  const planner = lastPlanner(plan) ?? 'db-migration-agent <db-migration-agent@localhost>';
  const note = headerText(draft).join(' ') || draft.name.replace(/_/g, ' ');
  const line = `${draft.name}${previous ? ` [${previous}]` : ''} ${time} ${planner} # ${note.replace(/\n/g, ' ')}`;
  return [
    newFileAt(context, scriptPath('deploy'), deploy),
    newFileAt(context, scriptPath('revert'), revert),
    newFileAt(context, scriptPath('verify'), verify),
    { path: planPath, text: `${plan.replace(/\n*$/, '\n')}${line}\n`, edit: true },
  ];
};
