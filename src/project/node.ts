import { UserError } from '../errors.js';
import { globToRegExp } from '../glob.js';
import { isRecord, parseJson, parseYamlText, stringField } from './parse.js';
import { joinRelative, type ProjectFiles } from './walk.js';

/** A declared dependency: where it was declared and the version or range as written. */
export interface Dependency {
  name: string;
  version: string;
  file: string;
  /** dependencies, devDependencies, [project].dependencies, go.mod require … */
  field: string;
}

export interface NodeManifest {
  file: string;
  name?: string;
  dependencies: Dependency[];
  scripts: Record<string, string>;
  workspaces: string[];
  /** package.json "prisma" key: schema location and seed command. */
  prisma: { schema?: string; seed?: string };
}

const DEPENDENCY_FIELDS = ['dependencies', 'devDependencies', 'peerDependencies', 'optionalDependencies'] as const;

export function readPackageJson(files: ProjectFiles, file: string): NodeManifest | undefined {
  const text = files.read(file);
  if (text === undefined) return undefined;
  const json = parseJson(text, file);
  if (!isRecord(json)) {
    throw new UserError(
      'malformed-package-json',
      `${file} is not a JSON object.`,
      'A package.json must be an object such as {"name": "app", "dependencies": {}}.',
      { file, line: 1, column: 1 },
    );
  }
  const dependencies: Dependency[] = [];
  for (const field of DEPENDENCY_FIELDS) {
    const block = json[field];
    if (!isRecord(block)) continue;
    for (const [name, version] of Object.entries(block)) {
      if (typeof version === 'string') dependencies.push({ name, version, file, field });
    }
  }
  const scripts: Record<string, string> = {};
  if (isRecord(json.scripts)) {
    for (const [name, command] of Object.entries(json.scripts))
      if (typeof command === 'string') scripts[name] = command;
  }
  const prismaBlock = isRecord(json.prisma) ? json.prisma : {};
  const name = stringField(json, 'name');
  const schema = stringField(prismaBlock, 'schema');
  const seed = stringField(prismaBlock, 'seed');
  return {
    file,
    ...(name ? { name } : {}),
    dependencies,
    scripts,
    workspaces: workspacePatterns(json.workspaces),
    prisma: { ...(schema ? { schema } : {}), ...(seed ? { seed } : {}) },
  };
}

function workspacePatterns(value: unknown): string[] {
  const list = Array.isArray(value) ? value : isRecord(value) && Array.isArray(value.packages) ? value.packages : [];
  return list.filter((item): item is string => typeof item === 'string');
}

/** Workspace patterns of npm/yarn (package.json), pnpm (pnpm-workspace.yaml) and lerna (lerna.json). */
export function workspaceGlobs(files: ProjectFiles, rootManifest: NodeManifest | undefined): string[] {
  const globs = [...(rootManifest?.workspaces ?? [])];
  const pnpm = files.has('pnpm-workspace.yaml') ? files.read('pnpm-workspace.yaml') : undefined;
  if (pnpm !== undefined) {
    const parsed = parseYamlText(pnpm, 'pnpm-workspace.yaml');
    if (isRecord(parsed) && Array.isArray(parsed.packages)) {
      globs.push(...parsed.packages.filter((item): item is string => typeof item === 'string'));
    }
  }
  const lerna = files.has('lerna.json') ? files.read('lerna.json') : undefined;
  if (lerna !== undefined) {
    const parsed = parseJson(lerna, 'lerna.json');
    if (isRecord(parsed)) globs.push(...workspacePatterns(parsed.packages));
  }
  return [...new Set(globs)];
}

/** Folders holding a package.json that the workspace globs select (`*` one segment, `**` any depth, `!` excludes). */
export function workspaceMembers(files: ProjectFiles, globs: string[]): string[] {
  const matcher = (glob: string) => globToRegExp(joinRelative(glob));
  const include = globs.filter((glob) => !glob.startsWith('!')).map(matcher);
  const exclude = globs.filter((glob) => glob.startsWith('!')).map((glob) => matcher(glob.slice(1)));
  const members: string[] = [];
  for (const dir of files.dirs) {
    if (dir === '.' || !files.filesIn(dir).includes('package.json')) continue;
    if (include.some((re) => re.test(dir)) && !exclude.some((re) => re.test(dir))) members.push(dir);
  }
  return members.sort();
}
