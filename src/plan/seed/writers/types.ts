import type { GeneratedFile } from '../../../generate/types.js';
import type { SeedPlan } from '../types.js';

export const SEED_FORMATS = ['knex', 'prisma', 'sequelize', 'typeorm', 'drizzle', 'sql'] as const;
export type SeedFormat = (typeof SEED_FORMATS)[number];

/** What a seed writer may look at: the project's files (for names and module style); it never writes itself. */
export interface SeedWriteContext {
  root: string;
  /** snake_case name of the seed, e.g. seed_orders. */
  name: string;
  now: Date;
  /** `esm`, `cjs` or `ts`: the module style of the project's own seeds or migrations. */
  moduleStyle: 'esm' | 'cjs' | 'ts';
  /** The project's seed folder, when it has one (seeds/, db/seeds, seeders/). */
  seedDir?: string;
  /** Every project file path (relative, forward slashes), for writers that import the project's own modules. */
  files: string[];
  read(relativePath: string): string | undefined;
}

export interface SeedFiles {
  files: GeneratedFile[];
  /** The command that runs the seed. */
  run: string;
  /** What the user must do that the tool does not (a package.json entry to add…). */
  hints: string[];
}

export type SeedWriter = (plan: SeedPlan, context: SeedWriteContext) => SeedFiles;
