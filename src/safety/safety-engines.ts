import { postgresqlSafety } from '../engines/postgresql/safety/index.js';
import type { SafetyEngine, SafetyEngineName } from './safety-engine.js';
import type { RuleCatalog, RuleMeta } from './types.js';

interface EngineEntry {
  name: SafetyEngineName;
  /** The engine names a project or caller may give that this check covers (mariadb is checked as mysql). */
  covers: readonly string[];
  load(): Promise<SafetyEngine>;
}

/**
 * Every engine with safety rules, in catalog order; the first is the default when nothing names one. PostgreSQL's
 * check loads with the module; the others when a migration of theirs is checked or every rule is asked for, so a
 * PostgreSQL check starts without compiling their rules.
 */
const ENGINES: readonly EngineEntry[] = [
  { name: 'postgresql', covers: ['postgresql'], load: async () => postgresqlSafety },
  {
    name: 'mysql',
    covers: ['mysql', 'mariadb'],
    load: async () => (await import('../engines/mysql/safety/index.js')).mysqlSafety,
  },
  {
    name: 'sqlite',
    covers: ['sqlite'],
    load: async () => (await import('../engines/sqlite/safety/index.js')).sqliteSafety,
  },
];

const loaded = new Map<SafetyEngineName, SafetyEngine>([['postgresql', postgresqlSafety]]);

async function load(entry: EngineEntry): Promise<SafetyEngine> {
  let engine = loaded.get(entry.name);
  if (!engine) {
    engine = await entry.load();
    loaded.set(entry.name, engine);
  }
  return engine;
}

function entryFor(engine: string | undefined): EngineEntry | undefined {
  if (engine === undefined || engine === 'unknown') return ENGINES[0];
  return ENGINES.find((candidate) => candidate.covers.includes(engine));
}

/** Whether the check `checking` (an engine's name) covers the engine a project or caller names. */
export function safetyEngineCovers(checking: SafetyEngineName, engine: string): boolean {
  return entryFor(engine)?.name === checking;
}

/** The safety check for an engine as a project or caller names it (`mariadb` → the MySQL one), if any. */
export async function safetyEngineFor(engine: string | undefined): Promise<SafetyEngine | undefined> {
  const entry = entryFor(engine);
  return entry ? load(entry) : undefined;
}

/** Every engine's check, in catalog order (loads them all). */
export async function allSafetyEngines(): Promise<SafetyEngine[]> {
  return Promise.all(ENGINES.map(load));
}

/** The engines' names, in catalog order. */
export const SAFETY_ENGINE_NAMES: readonly SafetyEngineName[] = ENGINES.map((entry) => entry.name);

/**
 * Rule metadata by id, of the engines loaded when a rule is looked up: a report writer made before the check
 * finds the rules of every engine the check then loads, without loading the others.
 */
export function ruleCatalog(): RuleCatalog {
  const metas = new Map<string, RuleMeta>();
  const indexed = new Set<SafetyEngineName>();
  return {
    get(id) {
      if (indexed.size < loaded.size)
        for (const [name, engine] of loaded) {
          if (indexed.has(name)) continue;
          indexed.add(name);
          for (const meta of engine.ruleMeta()) if (!metas.has(meta.id)) metas.set(meta.id, meta);
        }
      return metas.get(id);
    },
  };
}
