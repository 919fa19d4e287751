import Module from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { UserError } from '../../errors.js';
import { sourceMappedStackOf } from '../../sources/loader.js';

/**
 * Runs inside the sandbox only: loads a code schema's bundle and turns what the project's code or its ORM throws
 * into an error at the project file and line that threw (the first source-mapped frame in the project's own
 * files), not at the bundle's.
 */
const HOLDS: Record<string, string> = {
  typeorm: 'TypeORM entities',
  sequelize: 'Sequelize models',
  mikroorm: 'MikroORM entities',
};

export function loadBundle(root: string, bundle: string, code: string, label: string, orm: string): unknown[] {
  const module = new Module(bundle) as Module & { _compile(code: string, file: string): void };
  module.filename = bundle;
  module.paths = (Module as unknown as { _nodeModulePaths(folder: string): string[] })._nodeModulePaths(
    path.dirname(bundle),
  );
  try {
    module._compile(code, bundle);
  } catch (error) {
    throw projectError(root, bundle, error, {
      code: `${orm}-load-failed`,
      what: `Loading ${label} failed`,
      fix: `Make the ${HOLDS[orm] ?? 'modules'} load on their own: imports resolvable from the project, no top-level errors.`,
      label,
    });
  }
  return module.exports as unknown[];
}

/** What the ORM threw while planning (a column whose type it cannot infer, a relation to no entity…). */
export function planningError(root: string, bundle: string, error: unknown, label: string, orm: string): unknown {
  if (error instanceof UserError) return error;
  return projectError(root, bundle, error, {
    code: `${orm}-planning-failed`,
    what: `${HOLDS[orm] ?? 'The ORM'} in ${label} could not be planned`,
    fix: 'Fix the entity or model the message names (the ORM itself refused it, as it would at start-up).',
    label,
  });
}

interface Described {
  code: string;
  what: string;
  fix: string;
  label: string;
}

function projectError(root: string, bundle: string, error: unknown, described: Described): UserError {
  const message = sandboxDenial(error) ?? (error instanceof Error ? error.message : String(error));
  const frame = projectFrame(root, bundle, sourceMappedStackOf(error));
  return new UserError(
    described.code,
    `${described.what}: ${message.split('\n')[0]}`,
    described.fix,
    frame ?? { file: described.label },
  );
}

/** The first stack frame in a project file (not a package, not the bundle), relative to the root. */
function projectFrame(
  root: string,
  bundle: string,
  stack: string | undefined,
): { file: string; line: number; column: number } | undefined {
  for (const line of stack?.split('\n').slice(1) ?? []) {
    const match = /\(?((?:file:\/\/)?\/[^():]+):(\d+):(\d+)\)?\s*$/.exec(line);
    if (!match) continue;
    const file = match[1]?.startsWith('file://') ? fileURLToPath(match[1]) : (match[1] ?? '');
    if (file === bundle || !file.startsWith(root + path.sep) || file.includes(`${path.sep}node_modules${path.sep}`))
      continue;
    return { file: path.relative(root, file), line: Number(match[2]), column: Number(match[3]) };
  }
  return undefined;
}

const DENIED: Record<string, string> = {
  FileSystemWrite: 'writing files',
  FileSystemRead: 'reading outside the project',
  ChildProcess: 'starting a process',
  WorkerThreads: 'starting a worker thread',
};

/** Node's permission-model refusal, said as what the code tried. */
function sandboxDenial(error: unknown): string | undefined {
  const { code, permission, resource } = (error ?? {}) as { code?: string; permission?: string; resource?: string };
  if (code !== 'ERR_ACCESS_DENIED') return undefined;
  const action = DENIED[permission ?? ''] ?? `the ${permission ?? 'requested'} permission`;
  return `the sandbox denied ${action}${resource ? ` (${resource})` : ''}: a code schema is loaded only to plan its tables, with read access to the project and nothing else`;
}
