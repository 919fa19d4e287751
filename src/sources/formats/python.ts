import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { UserError } from '../../errors.js';
import { pythonEnvironment } from '../../sandbox/environment.js';
import { isFile } from '../files.js';

const execFileAsync = promisify(execFile);

/**
 * Alembic's env.py and Django's settings are project code. They run only with the caller's consent
 * (executeProjectCode / --execute) and with a scrubbed environment (no database URLs, tokens, cloud
 * credentials), but Python gets no sandbox beyond that: no permission model, network or file-system limits.
 */
function run(python: string, args: string[], options: { cwd: string; timeout: number; maxBuffer?: number }) {
  return execFileAsync(python, args, { ...options, env: pythonEnvironment() });
}

/** The project's Python: its virtualenv when it has one, else python3 on PATH. */
export async function projectPython(root: string): Promise<string> {
  for (const candidate of ['.venv/bin/python', 'venv/bin/python', 'env/bin/python', '.venv/Scripts/python.exe']) {
    const absolute = path.join(root, candidate);
    if (await isFile(absolute)) return absolute;
  }
  return 'python3';
}

/** Throws a UserError naming what is missing when `module` is not importable by the project's Python. */
export async function requirePythonModule(
  root: string,
  module: string,
  file: string,
  timeoutMs: number,
): Promise<string> {
  const python = await projectPython(root);
  try {
    // A submodule, because an `alembic/` folder in the project root imports as an empty namespace package.
    await run(python, ['-c', `import ${module}.${module === 'alembic' ? 'config' : 'core.management'}`], {
      cwd: root,
      timeout: timeoutMs,
    });
    return python;
  } catch (error) {
    const reason =
      (error as { code?: string }).code === 'ENOENT'
        ? `${python} was not found`
        : `${module} is not importable by ${python}`;
    throw new UserError(
      `${module}-missing`,
      `${reason} (looked for .venv/, venv/, env/ in the project, then python3 on PATH), so the SQL of this ${module} migration cannot be produced.`,
      `Install ${module} in the project's environment (e.g. \`${python === 'python3' ? 'python3 -m venv .venv && .venv/bin/pip' : `${python} -m pip`} install ${module}\`), then read the migrations again.`,
      { file },
    );
  }
}

/** Runs a Python command of the project (alembic --sql, manage.py sqlmigrate) with a time limit. */
export async function runPython(
  python: string,
  args: string[],
  root: string,
  timeoutMs: number,
  file: string,
): Promise<string> {
  try {
    const { stdout } = await run(python, args, { cwd: root, timeout: timeoutMs, maxBuffer: 32 * 1024 * 1024 });
    return stdout;
  } catch (error) {
    const stderr = (error as { stderr?: string }).stderr?.trim().split('\n').slice(-3).join(' ') ?? String(error);
    throw new UserError(
      'python-command-failed',
      `\`${path.basename(python)} ${args.join(' ')}\` failed: ${stderr}`,
      'Run the same command in the project to see the full error, fix it, then read the migrations again.',
      { file },
    );
  }
}

/** A Python string literal assignment (`name = 'value'`, with optional type annotation), or None. */
export function pythonAssignment(
  text: string,
  name: string,
): { value: string | string[] | null; line: number } | undefined {
  const pattern = new RegExp(`^${name}\\s*(?::[^=\\n]+)?=\\s*(.+)$`, 'm');
  const match = pattern.exec(text);
  if (!match) return undefined;
  const line = text.slice(0, match.index).split('\n').length;
  const raw = (match[1] ?? '').trim();
  if (/^None\b/.test(raw)) return { value: null, line };
  const strings = [...raw.matchAll(/["']([^"']+)["']/g)].map((item) => item[1] ?? '');
  if (raw.startsWith('(') || raw.startsWith('[')) return { value: strings, line };
  return { value: strings[0] ?? null, line };
}
