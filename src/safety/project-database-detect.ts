import type { PackageContext } from '../project/context.js';
import { collectEngineClaims, resolveEngine } from '../project/engines.js';
import { readNativeManifests } from '../project/native.js';
import { readPackageJson } from '../project/node.js';
import { readPythonManifests } from '../project/python.js';
import { ProjectFiles } from '../project/walk.js';
import type { ProjectDatabase } from './project-database.js';

/** detect_setup's engine claims for the root package, over a shallow walk (see project-database.ts). */

const SHALLOW_WALK = { maxFiles: 5_000, maxDepth: 4 };

export function detectProjectDatabase(root: string): ProjectDatabase {
  const files = new ProjectFiles(root, SHALLOW_WALK);
  const node = files.has('package.json') ? readPackageJson(files, 'package.json') : undefined;
  const python = readPythonManifests(files, '.');
  const context: PackageContext = {
    files,
    dir: '.',
    ownFiles: files.files,
    ownDirs: [...files.dirs],
    ...(node ? { node } : {}),
    python,
    dependencies: [...(node?.dependencies ?? []), ...python.dependencies, ...readNativeManifests(files, '.')],
    tools: new Set(),
  };
  const claims = collectEngineClaims(context);
  const { engine, ambiguity } = resolveEngine(claims);
  if (ambiguity) {
    return {
      evidence: [],
      conflict: claims.map((claim) => `${claim.engine} (${claim.evidence.file}: ${claim.evidence.what})`),
    };
  }
  if (!engine) return { evidence: [] };
  return {
    engine: engine.name,
    ...(engine.version ? { version: engine.version } : {}),
    evidence: engine.evidence.map((item) => `${item.file}: ${item.what}`),
  };
}
