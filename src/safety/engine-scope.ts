import type { SqlInput } from './inputs.js';
import {
  type CheckError,
  claimedEngine,
  conflictingEngines,
  type EngineChoice,
  type EngineClaim,
  engineAmbiguity,
  engineLabel,
  engineRefusal,
  hasRules,
  requireProjectEngine,
} from './run.js';

/**
 * Which inputs the PostgreSQL rules check. Each input runs on the engine of its own migration folder (the
 * format's declaration, else its package's files — see readProjectMigrations' folderEngine), else on the one the
 * project names; a monorepo mixing a PostgreSQL package with a MySQL or SQLite one is checked where rules exist,
 * and every other folder is named as not checked — never silently dropped, never parsed as PostgreSQL.
 */
export interface EngineScope {
  checked: SqlInput[];
  /** One entry per folder (or file) on an engine without rules: "not checked: no rules for SQLite yet". */
  notChecked: CheckError[];
}

export function scopeByEngine(inputs: SqlInput[], choice: EngineChoice): EngineScope {
  if (choice.explicit !== undefined) {
    // The caller said which engine this SQL runs on: everything is checked for it.
    requireProjectEngine(choice);
    return { checked: inputs, notChecked: [] };
  }
  // Nothing was read to check (every migration waits for consent to run project code): those errors say what to
  // do first; the engine matters once there is SQL.
  if (inputs.length === 0) return { checked: [], notChecked: [] };
  const fallback = claimedEngine(choice);
  const conflict = fallback ? undefined : conflictingEngines(choice);
  const engineOf = (input: SqlInput): EngineClaim | undefined => input.engine ?? fallback;
  // The project's files disagree and nothing else names this input's engine: it is not guessed.
  const unknown = (input: SqlInput) => conflict !== undefined && input.engine === undefined;
  const undecided = inputs.filter(unknown);
  const decided = inputs.filter((input) => !unknown(input));
  const checked = decided.filter((input) => hasRules(engineOf(input)?.name));
  const others = decided.filter((input) => !hasRules(engineOf(input)?.name));
  if (conflict && undecided.length > 0 && checked.length === 0 && others.length === 0) {
    throw engineAmbiguity(conflict, choice.inputs ?? undecided.map((input) => input.file));
  }
  const ambiguous = conflict && undecided.length > 0 ? [ambiguityEntry(conflict, undecided)] : [];
  if (checked.length === 0) {
    // Nothing is PostgreSQL: one refusal naming the engine and every file, as before per-folder engines.
    const first = others[0] ? engineOf(others[0]) : fallback;
    if (first && !hasRules(first.name)) throw engineRefusal(first, choice.inputs ?? others.map((input) => input.file));
    requireProjectEngine(choice);
    return { checked, notChecked: [] };
  }
  return { checked, notChecked: [...notCheckedFolders(others, engineOf), ...ambiguous] };
}

/** The inputs whose engine the project leaves ambiguous, as one not-checked entry. */
function ambiguityEntry(conflict: string[], inputs: SqlInput[]): CheckError {
  const error = engineAmbiguity(
    conflict,
    inputs.map((input) => input.file),
  );
  return {
    code: error.code,
    what: error.what,
    where: { file: inputs[0]?.folder ?? inputs[0]?.file ?? '.' },
    fix: error.fix,
  };
}

function notCheckedFolders(inputs: SqlInput[], engineOf: (input: SqlInput) => EngineClaim | undefined): CheckError[] {
  const byFolder = new Map<string, { claim: EngineClaim; files: string[] }>();
  for (const input of inputs) {
    const claim = engineOf(input);
    if (!claim) continue;
    const key = input.folder ?? input.file;
    const group = byFolder.get(key) ?? { claim, files: [] };
    group.files.push(input.file);
    byFolder.set(key, group);
  }
  return [...byFolder.entries()].map(([folder, { claim, files }]) => {
    const label = engineLabel(claim.name);
    const count = files.length === 1 && files[0] === folder ? 'this file' : `${files.length} migration(s)`;
    return {
      code: 'engine-not-checked',
      what: `${count} not checked: no rules for ${label} yet (engine from ${claim.where}).`,
      where: { file: folder },
      fix: `Safety rules for ${label} are not written yet; rehearse_migration on a throw-away ${label} database still tests these migrations. If this folder really runs on PostgreSQL, check it on its own with --engine postgresql (MCP "engine": "postgresql").`,
    };
  });
}
