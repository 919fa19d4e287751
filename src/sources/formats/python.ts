import path from 'node:path';
import { UserError } from '../../errors.js';
import { networkNamespace } from '../../sandbox/network-namespace.js';
import { type PythonOutcome, runSandboxedPython } from '../../sandbox/python-run.js';
import { isFile } from '../files.js';

/**
 * Alembic's env.py and Django's settings are project code: they run only with the caller's consent
 * (executeProjectCode / --execute), and then in the Python sandbox (src/sandbox/python-run.ts): scrubbed
 * environment, empty network namespace where permitted, memory cap, hard kill, and an audit hook that refuses
 * writes, processes, network and ctypes.
 */
function run(
  python: string,
  args: string[],
  root: string,
  timeoutMs: number,
  signal: AbortSignal | undefined,
): Promise<PythonOutcome> {
  return runSandboxedPython({ python, args, root, timeoutMs, ...(signal ? { signal } : {}) });
}

/** What the Python sandbox could not do on this machine (no empty network namespace), for the read's notes. */
export function pythonSandboxNotes(executes: boolean): { notes?: string[] } {
  const note = executes ? networkNamespace().note : undefined;
  return note ? { notes: [`Python sandbox: ${note}`] } : {};
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
  signal?: AbortSignal,
): Promise<string> {
  const python = await projectPython(root);
  // A submodule, because an `alembic/` folder in the project root imports as an empty namespace package.
  const command = `import ${module}.${module === 'alembic' ? 'config' : 'core.management'}`;
  const probe = await run(python, ['-c', command], root, timeoutMs, signal);
  if (probe.kind === 'ok') return python;
  if (probe.kind === 'timeout' || probe.kind === 'refused' || probe.kind === 'cancelled')
    throw failure(probe, python, ['-c', command], timeoutMs, root, file);
  const reason = probe.kind === 'not-found' ? `${python} was not found` : `${module} is not importable by ${python}`;
  throw new UserError(
    `${module}-missing`,
    `${reason} (looked for .venv/, venv/, env/ in the project, then python3 on PATH), so the SQL of this ${module} migration cannot be produced.`,
    `Install ${module} in the project's environment (e.g. \`${python === 'python3' ? 'python3 -m venv .venv && .venv/bin/pip' : `${python} -m pip`} install ${module}\`), then read the migrations again.`,
    { file },
  );
}

/** Runs a Python command of the project (alembic --sql, manage.py sqlmigrate) in the sandbox, with a time limit. */
export async function runPython(
  python: string,
  args: string[],
  root: string,
  timeoutMs: number,
  file: string,
  signal?: AbortSignal,
): Promise<string> {
  const outcome = await run(python, args, root, timeoutMs, signal);
  if (outcome.kind === 'ok') return outcome.stdout;
  throw failure(outcome, python, args, timeoutMs, root, file);
}

/** Why a sandboxed Python command produced no SQL, located in the project's own code when possible. */
function failure(
  outcome: Exclude<PythonOutcome, { kind: 'ok' }>,
  python: string,
  args: string[],
  timeoutMs: number,
  root: string,
  file: string,
): UserError {
  const command = `\`${path.basename(python)} ${args.join(' ')}\``;
  if (outcome.kind === 'refused') {
    const { what, detail, file: asker, line } = outcome.refusal;
    // The bootstrap names a project file relative to the root; an absolute path is a library's own code.
    const inProject = asker !== '' && !path.isAbsolute(asker);
    // The project file and line go in `where`; a library's own frame is named in the text.
    const at = asker && !inProject ? ` in ${asker}:${line}` : '';
    return new UserError(
      'sandbox-refused',
      `The sandbox refused ${what}${at} while ${command} ran the project's code: ${detail}.`,
      what === 'connecting to a database' && !inProject
        ? `Migrations are read without any database, and this tool's SQL output needs one (Django's sqlmigrate opens a connection for an atomic migration on PostgreSQL and MySQL), so this file was not checked. Check what \`${args.join(' ')}\` prints on a development database with \`db-migration-agent check -\`.`
        : 'Migrations are run only to print their SQL: they may not write files, start processes, open network connections or load native code. Move that work out of the migration (or guard it with `context.is_offline_mode()` / a settings check).',
      inProject ? { file: asker, line } : { file },
    );
  }
  if (outcome.kind === 'cancelled') {
    return new UserError(
      'cancelled',
      `It was running ${command} (recording the SQL of ${file}), which was killed.`,
      'Run it again.',
      { file },
    );
  }
  if (outcome.kind === 'timeout') {
    return new UserError(
      'python-timeout',
      `${command} did not finish within ${timeoutMs} ms and was killed.`,
      'Look for a loop or a wait in the migration or env.py/settings; pass a longer timeout if it is only slow.',
      { file },
    );
  }
  if (outcome.kind === 'not-found') {
    return new UserError(
      'python-missing',
      `${python} was not found.`,
      'Install Python 3 or create the project virtualenv (.venv).',
      { file },
    );
  }
  const frame = projectFrame(outcome.stderr, root);
  const message = outcome.stderr.trim().split('\n').at(-1) || `exit status ${outcome.code}`;
  return new UserError(
    'python-command-failed',
    `${command} failed: ${message}`,
    `Run the same command in the project to see the full error, fix it, then read the migrations again. The sandbox passes no database URL, password or token (DATABASE_URL, PG*, …): code that needs one must not run when printing SQL.`,
    frame ?? { file },
  );
}

/** The innermost traceback frame in the project's own files (not its virtualenv), relative to the root. */
function projectFrame(stderr: string, root: string): { file: string; line: number } | undefined {
  const frames = [...stderr.matchAll(/^ {2}File "([^"]+)", line (\d+)/gm)]
    .map((match) => ({ file: match[1] ?? '', line: Number(match[2]) }))
    .filter(
      (frame) => frame.file.startsWith(root + path.sep) && !/(site|dist)-packages|[\\/]\.?venv[\\/]/.test(frame.file),
    );
  const last = frames.at(-1);
  return last ? { file: path.relative(root, last.file), line: last.line } : undefined;
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
