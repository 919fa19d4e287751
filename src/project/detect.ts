import { relativeToRoot, resolveInsideRoot, resolveProjectRoot } from '../root.js';
import { FORMAT_LABELS } from '../sources/format-names.js';
import { findCommands } from './commands.js';
import type { PackageContext } from './context.js';
import { collectEngineClaims, resolveEngine } from './engines.js';
import { scanMigrations } from './migrations.js';
import { readNativeManifests } from './native.js';
import { type NodeManifest, readPackageJson, workspaceGlobs, workspaceMembers } from './node.js';
import { collectToolFindings, TOOL_ORDER } from './orms.js';
import { readPythonManifests } from './python.js';
import { findSchemaFiles } from './schemas.js';
import { findSeedFiles } from './seeds.js';
import type { DetectResult, PackageSetup, ToolFinding, ToolName } from './types.js';
import { baseOf, DEFAULT_LIMITS, dirOf, ProjectFiles } from './walk.js';

export interface DetectOptions {
  /** Stop after this many files (reported in warnings). */
  maxFiles?: number;
  maxDepth?: number;
  /** Detect only this sub-folder of the root (one package of a monorepo). Must stay inside the root. */
  path?: string;
}

/** Manifests that make a nested folder a package of its own (besides npm/yarn/pnpm workspace members). */
const NESTED_PACKAGE_MARKERS = new Set([
  'pyproject.toml',
  'requirements.txt',
  'setup.cfg',
  'Pipfile',
  'go.mod',
  'Cargo.toml',
  'manage.py',
]);

/** Tools that share a setup without competing for it: SQLAlchemy models are migrated by Alembic. */
const COMPANIONS: [ToolName, ToolName][] = [['sqlalchemy', 'alembic']];

/**
 * detect_setup's engine: reads the project's files (never runs its code) and reports, per package, the ORMs
 * and migration tools with versions, the engine and where it was learned, schema files, migration folders,
 * migrations in apply order, their conventions, seeds and commands — plus what was ambiguous.
 */
export function detectSetup(projectRoot: string, options: DetectOptions = {}): DetectResult {
  const started = performance.now();
  const root = resolveProjectRoot(projectRoot);
  const scope = options.path ? resolveProjectRoot(resolveInsideRoot(root, options.path)) : root;
  const files = new ProjectFiles(scope, {
    maxFiles: options.maxFiles ?? DEFAULT_LIMITS.maxFiles,
    maxDepth: options.maxDepth ?? DEFAULT_LIMITS.maxDepth,
  });
  const rootManifest = files.has('package.json') ? readPackageJson(files, 'package.json') : undefined;
  const packageDirs = discoverPackages(files, rootManifest);
  const ownership = assignOwnership(files, packageDirs);
  const prefix = scope === root ? '' : relativeToRoot(root, scope);

  const packages: PackageSetup[] = [];
  const ambiguities: string[] = [];
  for (const dir of packageDirs) {
    const node = dir === '.' ? rootManifest : readPackageJson(files, `${dir}/package.json`);
    const setup = detectPackage(files, dir, node, ownership, ambiguities);
    if (setup) packages.push(setup);
  }
  if (!packages.length) packages.push(emptyPackage('.'));
  const result: DetectResult = {
    root: scope,
    packages,
    ambiguities,
    warnings: [...files.warnings],
    stats: {
      files: files.files.length,
      directories: files.dirs.size,
      capped: files.capped,
      elapsedMs: Math.round((performance.now() - started) * 10) / 10,
    },
  };
  if (prefix) result.warnings.unshift(`Detected only ${prefix}/ (paths below are relative to it).`);
  return result;
}

function discoverPackages(files: ProjectFiles, rootManifest: NodeManifest | undefined): string[] {
  const dirs = new Set<string>(['.', ...workspaceMembers(files, workspaceGlobs(files, rootManifest))]);
  for (const dir of files.dirs) {
    if (dir !== '.' && files.filesIn(dir).some((name) => NESTED_PACKAGE_MARKERS.has(name))) dirs.add(dir);
  }
  if (!rootManifest) for (const dir of outermostNodeProjects(files)) dirs.add(dir);
  return [...dirs].sort((a, b) => (a === '.' ? -1 : b === '.' ? 1 : a.localeCompare(b)));
}

/**
 * With no package.json at the root (immich: server/, web/, cli/ side by side), each outermost folder with a
 * package.json is a Node project of its own: its dependencies name the tools and the engine.
 */
function outermostNodeProjects(files: ProjectFiles): string[] {
  const projects = [...files.dirs].filter((dir) => dir !== '.' && files.filesIn(dir).includes('package.json'));
  return projects.filter((dir) => !projects.some((outer) => dir.startsWith(`${outer}/`)));
}

interface Ownership {
  files: Map<string, string[]>;
  dirs: Map<string, string[]>;
}

/** Each file and folder belongs to the deepest package folder above it. */
function assignOwnership(files: ProjectFiles, packageDirs: string[]): Ownership {
  const deepestFirst = [...packageDirs].sort((a, b) => b.length - a.length);
  const ownerOf = (path: string) =>
    deepestFirst.find((dir) => dir === '.' || path === dir || path.startsWith(`${dir}/`)) ?? '.';
  const ownership: Ownership = { files: new Map(), dirs: new Map() };
  for (const dir of packageDirs) {
    ownership.files.set(dir, []);
    ownership.dirs.set(dir, []);
  }
  const dirOwner = new Map<string, string>();
  for (const dir of files.dirs) {
    const owner = ownerOf(dir);
    dirOwner.set(dir, owner);
    ownership.dirs.get(owner)!.push(dir);
  }
  for (const file of files.files) ownership.files.get(dirOwner.get(dirOf(file)) ?? ownerOf(file))!.push(file);
  return ownership;
}

function emptyPackage(path: string, name?: string): PackageSetup {
  return {
    path,
    ...(name ? { name } : {}),
    orms: [],
    schemaFiles: [],
    migrationDirs: [],
    migrations: [],
    conventions: [],
    seeds: [],
    commands: {},
  };
}

function detectPackage(
  files: ProjectFiles,
  dir: string,
  node: NodeManifest | undefined,
  ownership: Ownership,
  ambiguities: string[],
): PackageSetup | undefined {
  const python = readPythonManifests(files, dir);
  const context: PackageContext = {
    files,
    dir,
    ownFiles: ownership.files.get(dir) ?? [],
    ownDirs: (ownership.dirs.get(dir) ?? []).sort(),
    ...(node ? { node } : {}),
    python,
    dependencies: [...(node?.dependencies ?? []), ...python.dependencies, ...readNativeManifests(files, dir)],
    tools: new Set(),
  };
  const findings = collectToolFindings(context);
  context.tools = new Set(findings.keys());
  const scans = scanMigrations(context);
  for (const scan of scans) {
    // Plain .sql folders belong to no tool: they are migration folders, not an ORM finding.
    if (scan.dir.tool === 'sql') continue;
    const finding = findings.get(scan.dir.tool) ?? { name: scan.dir.tool, evidence: [] };
    if (
      !finding.evidence.length ||
      [
        'golang-migrate',
        'sqlx',
        'flyway',
        'dbmate',
        'goose',
        'sql-migrate',
        'multi-dialect-sql',
        'atlas',
        'sqitch',
      ].includes(scan.dir.tool)
    ) {
      const sample = scan.migrations[0]?.path ?? scan.dir.path;
      finding.evidence.push({ file: sample, what: `migration file in ${scan.dir.tool} format` });
    }
    findings.set(scan.dir.tool, finding);
  }
  const orms: ToolFinding[] = TOOL_ORDER.filter((name) => findings.has(name)).map((name) => findings.get(name)!);
  const toolNames = orms.map((orm) => orm.name);
  const label = dir === '.' ? 'the root package' : `package ${dir}`;

  const { engine, ambiguity } = resolveEngine(collectEngineClaims(context));
  if (ambiguity) ambiguities.push(`${label}: ${ambiguity}. Say which database the project targets.`);

  const owners = toolNames.filter(
    (tool) => !COMPANIONS.some(([companion, owner]) => tool === companion && toolNames.includes(owner)),
  );
  if (owners.length > 1) {
    ambiguities.push(
      `${label}: several ORMs/migration tools (${owners.join(', ')}). Say which one owns the schema and migrations.`,
    );
  }
  const prismaSchemas = context.ownFiles.filter((file) => file.endsWith('.prisma'));
  if (new Set(prismaSchemas.map(dirOf)).size > 1) {
    ambiguities.push(`${label}: several Prisma schemas (${prismaSchemas.join(', ')}). Say which one is the project's.`);
  }
  const singleDirTools = scans.filter((scan) => !['django', 'tortoise'].includes(scan.dir.tool));
  for (const tool of new Set(singleDirTools.map((scan) => scan.dir.tool))) {
    const dirs = singleDirTools.filter((scan) => scan.dir.tool === tool).map((scan) => scan.dir.path);
    if (dirs.length > 1)
      ambiguities.push(`${label}: several ${tool} migration folders (${dirs.join(', ')}). Say which one is live.`);
  }

  const name = node?.name ?? python.name;
  const setup: PackageSetup = {
    path: dir,
    ...(name ? { name } : {}),
    orms,
    ...(engine ? { engine } : {}),
    schemaFiles: findSchemaFiles(
      context,
      new Set(toolNames),
      scans.map((scan) => scan.dir.path),
    ),
    migrationDirs: scans.map((scan) => scan.dir),
    migrations: scans.flatMap((scan) => scan.migrations),
    conventions: scans.flatMap((scan) => (scan.conventions ? [scan.conventions] : [])),
    seeds: findSeedFiles(context),
    commands: findCommands(context, owners, scans),
  };
  const unknownMigrationDirs = context.ownDirs.filter(
    (candidate) =>
      /^(migrations?|migrate)$/.test(baseOf(candidate)) &&
      !scans.some(
        (scan) =>
          candidate === scan.dir.path ||
          scan.dir.path.startsWith(`${candidate}/`) ||
          candidate.startsWith(`${scan.dir.path}/`),
      ) &&
      // Named like versioned migrations (001_…, 2024…, V1__…, Migration2024…), not a folder of scripts or sources.
      files.filesIn(candidate).some((name) => /^(\d|[VU]\d|R__|Migration\d)/.test(name)),
  );
  if (unknownMigrationDirs.length) setup.unknownMigrationDirs = unknownMigrationDirs;
  for (const unknown of unknownMigrationDirs) {
    files.warnings.push(
      `${unknown}: looks like a migration folder, but its files match none of the formats tried (${FORMAT_LABELS}).`,
    );
  }
  const empty =
    !orms.length && !engine && !setup.schemaFiles.length && !setup.migrations.length && !unknownMigrationDirs.length;
  return empty ? undefined : setup;
}
