import { UserError } from '../../errors.js';

export interface PlanChange {
  /** The change name; `@tag` appended for an instance that was reworked later. */
  id: string;
  name: string;
  /** `-name` lines revert a change at that point of the plan. */
  revert: boolean;
  requires: string[];
  conflicts: string[];
  note: string;
  line: number;
  /** Scripts of this instance are `<name>@<tag>.sql` when the change is reworked later in the plan. */
  scriptName: string;
}

/**
 * sqitch.plan: `%pragma` lines, `@tag` lines, and change lines `[+-]name [deps] timestamp planner <email> # note`.
 * A change that appears again later was reworked: its earlier instance's scripts carry the first tag after it.
 */
export function parsePlan(text: string, file: string): { changes: PlanChange[]; errors: UserError[] } {
  const changes: (PlanChange & { tagsAfter: string[] })[] = [];
  const errors: UserError[] = [];
  text.split('\n').forEach((raw, index) => {
    const line = raw.replace(/\r$/, '');
    const trimmed = line.trim();
    if (!trimmed || trimmed.startsWith('#') || trimmed.startsWith('%')) return;
    if (trimmed.startsWith('@')) {
      const tag = /^@(\S+)/.exec(trimmed)?.[1] ?? '';
      for (const change of changes) change.tagsAfter.push(tag);
      return;
    }
    const match = /^([+-])?\s*([^\s[@#]+)\s*(?:\[([^\]]*)\])?\s*(\S+)\s+(.*?)(?:\s#\s?(.*))?$/.exec(trimmed);
    if (!match || !/^\d{4}-\d\d-\d\dT/.test(match[4] ?? '')) {
      errors.push(
        new UserError(
          'sqitch-plan-line',
          `${file}:${index + 1} is not a change, tag or pragma line: ${trimmed}`,
          'Write changes as `name [dependencies] <timestamp> <planner> <email> # note`, as `sqitch add` does.',
          { file, line: index + 1, column: 1 },
        ),
      );
      return;
    }
    const dependencies = (match[3] ?? '').split(/\s+/).filter(Boolean);
    changes.push({
      id: match[2] ?? '',
      name: match[2] ?? '',
      revert: match[1] === '-',
      requires: dependencies.filter((dependency) => !dependency.startsWith('!')),
      conflicts: dependencies.filter((dependency) => dependency.startsWith('!')).map((dep) => dep.slice(1)),
      note: (match[6] ?? '').replace(/\\n/g, '\n').trim(),
      line: index + 1,
      scriptName: match[2] ?? '',
      tagsAfter: [],
    });
  });
  // A name that appears again later was reworked: `sqitch rework` names the earlier instance's scripts after the
  // last tag before the rework (`<name>@<tag>`).
  for (let index = 0; index < changes.length; index++) {
    const change = changes[index]!;
    if (change.revert) continue;
    const next = changes.findIndex((later, at) => at > index && later.name === change.name && !later.revert);
    if (next === -1) continue;
    const tagsBetween = change.tagsAfter.slice(0, change.tagsAfter.length - changes[next]!.tagsAfter.length);
    const tag = tagsBetween.at(-1);
    if (tag) {
      change.scriptName = `${change.name}@${tag}`;
      change.id = `${change.name}@${tag}`;
    } else {
      errors.push(
        new UserError(
          'sqitch-rework-untagged',
          `${file}:${change.line}: ${change.name} is reworked later, but no tag stands between the two.`,
          'Tag the plan (`sqitch tag`) before reworking a change, as `sqitch rework` requires.',
          { file, line: change.line, column: 1 },
        ),
      );
    }
  }
  return { changes: changes.map(({ tagsAfter: _tags, ...change }) => change), errors };
}

export interface SqitchConfig {
  engine?: string;
  topDir?: string;
  planFile?: string;
  deployDir?: string;
  revertDir?: string;
  verifyDir?: string;
}

/** The `[core]` values of sqitch.conf (git-config syntax). */
export function parseSqitchConf(text: string): SqitchConfig {
  const config: SqitchConfig = {};
  let section = '';
  for (const raw of text.split('\n')) {
    const line = raw.replace(/[#;].*$/, '').trim();
    const header = /^\[\s*([\w.-]+)(?:\s+"[^"]*")?\s*\]$/.exec(line);
    if (header) {
      section = header[1] ?? '';
      continue;
    }
    const pair = /^([\w-]+)\s*=\s*(.*)$/.exec(line);
    if (!pair || section !== 'core') continue;
    const value = (pair[2] ?? '').replace(/^"(.*)"$/, '$1');
    const key = pair[1]?.toLowerCase();
    if (key === 'engine') config.engine = value;
    if (key === 'top_dir') config.topDir = value;
    if (key === 'plan_file') config.planFile = value;
    if (key === 'deploy_dir') config.deployDir = value;
    if (key === 'revert_dir') config.revertDir = value;
    if (key === 'verify_dir') config.verifyDir = value;
  }
  return config;
}
