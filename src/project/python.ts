import type { Dependency } from './node.js';
import { isRecord, parseTomlText } from './parse.js';
import type { ProjectFiles } from './walk.js';

/**
 * Python dependencies from requirements*.txt, pyproject.toml ([project] and [tool.poetry]), Pipfile and
 * setup.cfg. Names are normalised (lower case, `_` → `-`) so `SQLAlchemy` and `sqlalchemy` match.
 */
export interface PythonManifest {
  name?: string;
  dependencies: Dependency[];
  /** pyproject [tool.aerich] (Tortoise migrations). */
  aerich?: { location?: string };
}

export const PYTHON_MANIFESTS = /^(requirements[\w.-]*\.(txt|in)|pyproject\.toml|Pipfile|setup\.cfg)$/;

export function normalizePythonName(name: string): string {
  return name.toLowerCase().replace(/[_.]+/g, '-');
}

/** `SQLAlchemy[asyncio]>=2.0 ; python_version > "3.8"` → name sqlalchemy, version >=2.0. */
export function parseRequirement(line: string): { name: string; version: string } | undefined {
  const match = /^\s*([A-Za-z0-9][A-Za-z0-9._-]*)\s*(?:\[[^\]]*\])?\s*([^;#]*)/.exec(line);
  if (!match) return undefined;
  return { name: normalizePythonName(match[1]!), version: match[2]!.trim().replace(/\s+/g, '') || '*' };
}

export function readPythonManifests(files: ProjectFiles, dir: string): PythonManifest {
  const manifest: PythonManifest = { dependencies: [] };
  for (const name of files.filesIn(dir)) {
    if (!PYTHON_MANIFESTS.test(name)) continue;
    const file = dir === '.' ? name : `${dir}/${name}`;
    const text = files.read(file);
    if (text === undefined) continue;
    if (name === 'pyproject.toml') readPyproject(text, file, manifest);
    else if (name === 'Pipfile') readPipfile(text, file, manifest);
    else if (name === 'setup.cfg') readSetupCfg(text, file, manifest);
    else readRequirements(text, file, manifest);
  }
  return manifest;
}

function readRequirements(text: string, file: string, manifest: PythonManifest): void {
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (!line || line.startsWith('#') || line.startsWith('-')) continue;
    const requirement = parseRequirement(line);
    if (requirement) manifest.dependencies.push({ ...requirement, file, field: 'requirements' });
  }
}

function readPyproject(text: string, file: string, manifest: PythonManifest): void {
  const toml = parseTomlText(text, file);
  const project = isRecord(toml.project) ? toml.project : undefined;
  if (project) {
    if (typeof project.name === 'string') manifest.name = project.name;
    addPep508List(project.dependencies, file, '[project].dependencies', manifest);
    if (isRecord(project['optional-dependencies'])) {
      for (const [group, list] of Object.entries(project['optional-dependencies'])) {
        addPep508List(list, file, `[project.optional-dependencies].${group}`, manifest);
      }
    }
  }
  const tool = isRecord(toml.tool) ? toml.tool : {};
  const poetry = isRecord(tool.poetry) ? tool.poetry : undefined;
  if (poetry) {
    if (!manifest.name && typeof poetry.name === 'string') manifest.name = poetry.name;
    addPoetryTable(poetry.dependencies, file, '[tool.poetry.dependencies]', manifest);
    addPoetryTable(poetry['dev-dependencies'], file, '[tool.poetry.dev-dependencies]', manifest);
    if (isRecord(poetry.group)) {
      for (const [group, table] of Object.entries(poetry.group)) {
        if (isRecord(table))
          addPoetryTable(table.dependencies, file, `[tool.poetry.group.${group}.dependencies]`, manifest);
      }
    }
  }
  if (isRecord(tool.aerich)) {
    const location = tool.aerich.location;
    manifest.aerich = typeof location === 'string' ? { location } : {};
  }
}

function readPipfile(text: string, file: string, manifest: PythonManifest): void {
  const toml = parseTomlText(text, file);
  addPoetryTable(toml.packages, file, '[packages]', manifest);
  addPoetryTable(toml['dev-packages'], file, '[dev-packages]', manifest);
}

/** setup.cfg `[options] install_requires =` followed by indented requirement lines. */
function readSetupCfg(text: string, file: string, manifest: PythonManifest): void {
  let section = '';
  let inRequires = false;
  for (const raw of text.split('\n')) {
    const sectionMatch = /^\[([^\]]+)\]/.exec(raw);
    if (sectionMatch) {
      section = sectionMatch[1]!.trim();
      inRequires = false;
      continue;
    }
    if (section === 'metadata' && /^name\s*=/.test(raw)) manifest.name = raw.split('=')[1]!.trim();
    if (section !== 'options') continue;
    const keyMatch = /^(\w+)\s*=\s*(.*)$/.exec(raw);
    if (keyMatch) {
      inRequires = keyMatch[1] === 'install_requires';
      if (inRequires && keyMatch[2]!.trim()) addRequirementLine(keyMatch[2]!, file, manifest);
      continue;
    }
    if (inRequires && /^\s+\S/.test(raw)) addRequirementLine(raw, file, manifest);
  }
}

function addRequirementLine(line: string, file: string, manifest: PythonManifest): void {
  const requirement = parseRequirement(line.trim());
  if (requirement) manifest.dependencies.push({ ...requirement, file, field: '[options].install_requires' });
}

function addPep508List(list: unknown, file: string, field: string, manifest: PythonManifest): void {
  if (!Array.isArray(list)) return;
  for (const item of list) {
    const requirement = typeof item === 'string' ? parseRequirement(item) : undefined;
    if (requirement) manifest.dependencies.push({ ...requirement, file, field });
  }
}

function addPoetryTable(table: unknown, file: string, field: string, manifest: PythonManifest): void {
  if (!isRecord(table)) return;
  for (const [name, spec] of Object.entries(table)) {
    if (name === 'python') continue;
    const version =
      typeof spec === 'string' ? spec : isRecord(spec) && typeof spec.version === 'string' ? spec.version : '*';
    manifest.dependencies.push({ name: normalizePythonName(name), version, file, field });
  }
}
