import { nodeChildProcess } from '../lazy-builtins.js';
import { pythonEnvironment } from './environment.js';
import { networkNamespace } from './network-namespace.js';
import { PYTHON_BOOTSTRAP, REFUSAL_EXIT, REFUSAL_MARK } from './python-bootstrap.js';

/**
 * Runs the project's Python (alembic, manage.py) the way project code must run: a child process with the
 * scrubbed environment, in an empty network namespace when the OS permits, under the audit-hook bootstrap
 * (python-bootstrap.ts) with an address-space cap, and killed (SIGKILL) at the time limit.
 */
export interface SandboxedPythonOptions {
  python: string;
  /** What the Python interpreter would be given: `-m alembic …`, `manage.py …`, `-c …`. */
  args: string[];
  /** The project root: cwd, and where the audit hook looks for the project's own frames. */
  root: string;
  timeoutMs: number;
  memoryMb?: number;
  /** The caller's cancellation (or its own time limit): the process is killed at once. */
  signal?: AbortSignal;
}

export interface SandboxRefusal {
  /** "writing files", "network access", "starting or signalling a process", … */
  what: string;
  /** The audited call, e.g. `open('/tmp/x', 'w')`. */
  detail: string;
  /** The project file (relative to the root) and line that asked, when the call came from project code. */
  file: string;
  line: number;
}

export type PythonOutcome =
  | { kind: 'ok'; stdout: string }
  | { kind: 'refused'; refusal: SandboxRefusal }
  | { kind: 'timeout' }
  | { kind: 'cancelled' }
  | { kind: 'not-found' }
  | { kind: 'failed'; code: number | null; stderr: string };

/** Address space, not heap: Python with Django or SQLAlchemy loaded maps a few hundred MB. */
export const DEFAULT_PYTHON_MEMORY_MB = 1024;
const MAX_OUTPUT = 32 * 1024 * 1024;

export function runSandboxedPython(options: SandboxedPythonOptions): Promise<PythonOutcome> {
  const config = JSON.stringify({
    root: options.root,
    memoryBytes: (options.memoryMb ?? DEFAULT_PYTHON_MEMORY_MB) * 1024 * 1024,
  });
  const [command, ...args] = [...networkNamespace().prefix, options.python, '-B', '-c', PYTHON_BOOTSTRAP, config];
  if (options.signal?.aborted) return Promise.resolve({ kind: 'cancelled' });
  return new Promise((resolve) => {
    const child = nodeChildProcess().spawn(command ?? options.python, [...args, ...options.args], {
      cwd: options.root,
      env: { ...pythonEnvironment(), PYTHONDONTWRITEBYTECODE: '1' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    let timedOut = false;
    let cancelled = false;
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, options.timeoutMs);
    const onAbort = () => {
      cancelled = true;
      child.kill('SIGKILL');
    };
    options.signal?.addEventListener('abort', onAbort, { once: true });
    child.stdout.on('data', (chunk: Buffer) => {
      if (stdout.length < MAX_OUTPUT) stdout += chunk.toString('utf8');
    });
    child.stderr.on('data', (chunk: Buffer) => {
      if (stderr.length < MAX_OUTPUT) stderr += chunk.toString('utf8');
    });
    child.on('error', (error: NodeJS.ErrnoException) => {
      clearTimeout(timer);
      options.signal?.removeEventListener('abort', onAbort);
      resolve(error.code === 'ENOENT' ? { kind: 'not-found' } : { kind: 'failed', code: null, stderr: error.message });
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      options.signal?.removeEventListener('abort', onAbort);
      if (cancelled) return resolve({ kind: 'cancelled' });
      if (timedOut) return resolve({ kind: 'timeout' });
      const refusal = code === REFUSAL_EXIT ? refusalIn(stderr) : undefined;
      if (refusal) return resolve({ kind: 'refused', refusal });
      // unshare reports a missing program itself, with status 127.
      if (code === 127 && /failed to execute/.test(stderr)) return resolve({ kind: 'not-found' });
      resolve(code === 0 ? { kind: 'ok', stdout } : { kind: 'failed', code, stderr });
    });
  });
}

function refusalIn(stderr: string): SandboxRefusal | undefined {
  const line = stderr.split('\n').find((candidate) => candidate.startsWith(`${REFUSAL_MARK} `));
  if (!line) return undefined;
  try {
    return JSON.parse(line.slice(REFUSAL_MARK.length + 1)) as SandboxRefusal;
  } catch {
    return undefined;
  }
}
