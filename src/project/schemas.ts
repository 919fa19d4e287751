import { ownFilesNamed, type PackageContext } from './context.js';
import type { ToolName } from './types.js';
import { baseOf, dirOf, joinRelative } from './walk.js';

/** The files that describe the schema for each tool: Prisma schemas, entities, models, drizzle schema, dumps. */
export function findSchemaFiles(context: PackageContext, tools: Set<ToolName>, migrationDirs: string[]): string[] {
  const found = new Set<string>();
  const addAll = (files: string[]) => {
    for (const file of files) found.add(file);
  };
  if (tools.has('prisma')) addAll(ownFilesNamed(context, /\.prisma$/));
  if (tools.has('drizzle')) addAll(drizzleSchemas(context));
  if (tools.has('typeorm') || tools.has('mikro-orm')) addAll(ownFilesNamed(context, /\.entity\.(ts|js)$/));
  if (tools.has('sequelize')) addAll(sequelizeModels(context));
  if (tools.has('mongoose')) {
    addAll(
      context.ownFiles.filter(
        (file) =>
          /\.(ts|js)$/.test(file) &&
          (/\.model\.(ts|js)$/.test(file) || baseOf(dirOf(file)) === 'models') &&
          /\bSchema\s*\(|mongoose\.Schema/.test(context.files.read(file) ?? ''),
      ),
    );
  }
  if (['sqlalchemy', 'alembic', 'django', 'tortoise'].some((tool) => tools.has(tool as ToolName))) {
    addAll(
      context.ownFiles.filter(
        (file) =>
          baseOf(file) === 'models.py' ||
          (baseOf(dirOf(file)) === 'models' && /\.py$/.test(file) && baseOf(file) !== '__init__.py'),
      ),
    );
  }
  if (tools.has('diesel')) addAll(context.ownFiles.filter((file) => /(^|\/)src\/schema\.rs$/.test(file)));
  addAll(ownFilesNamed(context, /^schema\.sql$/));
  const inMigrations = (file: string) => migrationDirs.some((dir) => file.startsWith(`${dir}/`));
  return [...found].filter((file) => !inMigrations(file)).sort();
}

function drizzleSchemas(context: PackageContext): string[] {
  const config = ownFilesNamed(context, /^drizzle\.config\.(c|m)?(js|ts|json)$/)[0];
  if (!config) return [];
  const source = context.files.read(config) ?? '';
  const list = /\bschema['"]?\s*:\s*(\[[^\]]*\]|['"`][^'"`]+['"`])/.exec(source)?.[1] ?? '';
  const patterns = [...list.matchAll(/['"`]([^'"`]+)['"`]/g)].map((match) => joinRelative(dirOf(config), match[1]!));
  return context.ownFiles.filter((file) =>
    patterns.some((pattern) => {
      if (file === pattern) return true;
      const fixed = pattern
        .split('/')
        .filter((part) => !part.includes('*'))
        .join('/');
      return (
        (pattern.includes('*') || !/\.\w+$/.test(pattern)) && file.startsWith(`${fixed}/`) && /\.(ts|js)$/.test(file)
      );
    }),
  );
}

function sequelizeModels(context: PackageContext): string[] {
  const rc = context.ownFiles.find((file) => baseOf(file) === '.sequelizerc');
  let dir = joinRelative(context.dir, 'models');
  if (rc) {
    const call = /['"]models-path['"]\s*:\s*path\.resolve\(([^)]*)\)/.exec(context.files.read(rc) ?? '');
    if (call) dir = joinRelative(context.dir, ...[...call[1]!.matchAll(/['"]([^'"]+)['"]/g)].map((match) => match[1]!));
  }
  return context.files
    .filesIn(dir)
    .filter((name) => /\.(c?js|ts)$/.test(name) && !/^index\./.test(name))
    .map((name) => joinRelative(dir, name));
}
