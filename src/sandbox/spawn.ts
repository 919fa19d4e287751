import { type ChildProcess, spawn } from 'node:child_process';
import { pathToFileURL } from 'node:url';
import { scrubbedEnvironment } from './environment.js';
import { networkNamespace } from './network-namespace.js';
import { permissionFlags, readablePaths } from './permissions.js';
import { sandboxScripts } from './scripts.js';

/**
 * Starts the sandbox: the only way project code runs. A separate Node process under the permission model
 * (reads: project + runtime; no writes, child processes or workers), with the network guard preloaded, in an
 * empty network namespace when the OS permits, a scrubbed environment and a heap cap. Its stdout and stderr go
 * to our stderr (our stdout is the MCP channel); results come back over the IPC channel.
 */
export interface SandboxOptions {
  /** The real project root: the folder the sandbox may read (with its node_modules). */
  root: string;
  /** Native addons (better-sqlite3 for an in-memory SQLite recorder); their code is outside the permission model. */
  addons?: boolean;
  memoryMb?: number;
}

export interface SandboxProcess {
  child: ChildProcess;
  /** What the sandbox could not do on this machine (no network namespace …). */
  notes: string[];
}

export const DEFAULT_MEMORY_MB = 512;

export async function startSandbox(options: SandboxOptions): Promise<SandboxProcess> {
  const scripts = await sandboxScripts();
  const namespace = networkNamespace();
  const nodeArgs = [
    ...permissionFlags({ readable: readablePaths(options.root, scripts.ownPackage), addons: options.addons === true }),
    `--max-old-space-size=${options.memoryMb ?? DEFAULT_MEMORY_MB}`,
    '--enable-source-maps',
    // Node 20.11+: the permission model's warnings (with addons: that they lift it) go to the read's notes instead.
    ...(process.allowedNodeEnvironmentFlags.has('--disable-warning')
      ? ['--disable-warning=ExperimentalWarning', ...(options.addons ? ['--disable-warning=SecurityWarning'] : [])]
      : []),
    '--import',
    pathToFileURL(scripts.guard).href,
    scripts.main,
  ];
  const [command, ...args] = [...namespace.prefix, process.execPath, ...nodeArgs];
  const child = spawn(command ?? process.execPath, args, {
    cwd: options.root,
    env: scrubbedEnvironment(),
    stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
    serialization: 'advanced',
  });
  // Whatever project code prints must not reach our stdout (the MCP stdio channel).
  child.stdout?.on('data', (chunk) => process.stderr.write(chunk));
  child.stderr?.on('data', (chunk) => process.stderr.write(chunk));
  const notes = namespace.note ? [namespace.note] : [];
  if (options.addons) notes.push('native addons are allowed (the in-memory SQLite recorder needs better-sqlite3)');
  return { child, notes };
}
