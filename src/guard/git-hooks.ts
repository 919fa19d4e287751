import { chmodSync, existsSync, mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { UserError } from '../errors.js';

/**
 * Installs the pre-commit check into a repository: Husky's `.husky/pre-commit` when the project uses Husky, else
 * git's own pre-commit hook (where core.hooksPath says). Our lines sit between markers, so installing twice changes
 * nothing and uninstalling removes exactly them. A hook someone else wrote is never replaced without `force`: our
 * lines are appended to a shell hook (it runs first, then ours), and a hook in another language is refused.
 */

const BEGIN = '# >>> db-migration-agent pre-commit check >>>';
const END = '# <<< db-migration-agent pre-commit check <<<';
export const DEFAULT_HOOK_COMMAND = 'npx --yes db-migration-agent hook pre-commit';

export interface HookChange {
  file: string;
  action: 'created' | 'appended' | 'replaced' | 'unchanged' | 'removed' | 'deleted' | 'absent';
  via: 'husky' | 'git';
}

async function hookFile(root: string): Promise<{ file: string; via: 'husky' | 'git' }> {
  if (existsSync(path.join(root, '.husky')) && statSync(path.join(root, '.husky')).isDirectory())
    return { file: path.join(root, '.husky', 'pre-commit'), via: 'husky' };
  const { simpleGit } = await import('simple-git');
  try {
    const hooks = (await simpleGit({ baseDir: root }).raw(['rev-parse', '--git-path', 'hooks'])).trim();
    return { file: path.resolve(root, hooks, 'pre-commit'), via: 'git' };
  } catch (error) {
    throw new UserError(
      'not-a-git-repository',
      `${root} is not inside a git repository: ${(error as Error).message.split('\n')[0]}`,
      'Run `git init` first, or pass --root with the repository folder.',
    );
  }
}

function block(command: string): string {
  return `${BEGIN}\n${command} || exit $?\n${END}\n`;
}

export async function installPreCommit(
  root: string,
  options: { force?: boolean; command?: string },
): Promise<HookChange> {
  const { file, via } = await hookFile(root);
  const ours = block(options.command ?? DEFAULT_HOOK_COMMAND);
  mkdirSync(path.dirname(file), { recursive: true });
  if (!existsSync(file)) {
    writeFileSync(file, `#!/bin/sh\n${ours}`);
    chmodSync(file, 0o755);
    return { file, action: 'created', via };
  }
  const text = readFileSync(file, 'utf8');
  if (text.includes(BEGIN)) {
    if (text.includes(ours)) return { file, action: 'unchanged', via };
    // Installed before with another command: that block is replaced where it stands.
    writeFileSync(file, replaceOurs(text, ours));
    return { file, action: 'replaced', via };
  }
  if (options.force) {
    writeFileSync(file, `#!/bin/sh\n${ours}`);
    chmodSync(file, 0o755);
    return { file, action: 'replaced', via };
  }
  const shebang = /^#!.*\n/.exec(text)?.[0] ?? '';
  if (via === 'git' && shebang !== '' && !/\b(sh|bash|zsh|dash)\b/.test(shebang))
    throw new UserError(
      'foreign-hook',
      `${file} is another tool's hook (${shebang.trim()}), not a shell script our check could be added to.`,
      `Add the line \`${options.command ?? DEFAULT_HOOK_COMMAND}\` to that hook yourself, or pass --force to replace it.`,
    );
  writeFileSync(file, `${text.replace(/\n*$/, '\n')}${ours}`);
  chmodSync(file, 0o755);
  return { file, action: 'appended', via };
}

export async function uninstallPreCommit(root: string): Promise<HookChange> {
  const { file, via } = await hookFile(root);
  if (!existsSync(file)) return { file, action: 'absent', via };
  const text = readFileSync(file, 'utf8');
  if (!text.includes(BEGIN)) return { file, action: 'absent', via };
  const rest = withoutOurs(text);
  if (rest.replace(/^#!.*\n/, '').trim() === '') {
    rmSync(file);
    return { file, action: 'deleted', via };
  }
  writeFileSync(file, rest);
  return { file, action: 'removed', via };
}

function withoutOurs(text: string): string {
  return replaceOurs(text, '');
}

function replaceOurs(text: string, replacement: string): string {
  const start = text.indexOf(BEGIN);
  const end = text.indexOf(END);
  if (start < 0 || end < start) return text;
  return text.slice(0, start) + replacement + text.slice(end + END.length).replace(/^\n/, '');
}
