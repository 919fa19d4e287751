import type { Change } from '../generate/changes.js';

/**
 * The examples `db-migration-agent demo` runs the workflow on. Each is a project bundled with this package; the
 * demo copies it to a temporary folder so that the migrations it generates are written there, never here.
 */
export interface DemoExample {
  /** Folder name under examples/. */
  folder: string;
  title: string;
  /** The request the agent was given, in the user's words. */
  request: string;
  /** A hand-written draft the agent finds among the migrations and checks first (it is then discarded). */
  draft?: string;
  /** The change as generate_migration takes it: an explicit list, or two schema sources to diff. */
  change: { changes: Change[] } | { from: string; to: string };
  /** The table the seed step fills. */
  seedTables: string[];
  /** Its migrations are code (knex): the demo consents for the examples it ships, never for a user's project. */
  executeProjectCode: boolean;
  /** Production row counts the plan stretches lock durations to. */
  rowCounts: Record<string, number>;
}

export const DEMO_EXAMPLES: DemoExample[] = [
  {
    folder: 'shop',
    title: 'knex + PostgreSQL',
    request: 'track the status of orders, and their shipments',
    draft: 'db/migrations/20240305150000_add_order_status.js',
    change: {
      changes: [
        {
          op: 'add_column',
          table: 'orders',
          column: {
            name: 'status',
            type: 'varchar(20)',
            nullable: false,
            default: "'pending'",
            check: "status IN ('pending', 'paid', 'shipped', 'cancelled')",
          },
        },
        { op: 'add_index', table: 'orders', columns: ['status', 'created_at'] },
        {
          op: 'create_table',
          table: 'shipments',
          columns: [
            { name: 'id', type: 'bigint', primaryKey: true, generated: 'identity' },
            { name: 'order_id', type: 'bigint', nullable: false, references: { table: 'orders', onDelete: 'cascade' } },
            { name: 'carrier', type: 'varchar(40)', nullable: false },
            { name: 'tracking_number', type: 'varchar(64)' },
            { name: 'shipped_at', type: 'timestamptz' },
            { name: 'created_at', type: 'timestamptz', nullable: false, default: 'now()' },
          ],
        },
      ],
    },
    seedTables: ['shipments'],
    executeProjectCode: true,
    rowCounts: { orders: 2_000_000 },
  },
  {
    folder: 'blog',
    title: 'Prisma + PostgreSQL',
    request: 'let readers comment on posts (the Comment model is already in schema.prisma)',
    change: { from: 'migrations', to: 'prisma:prisma/schema.prisma' },
    seedTables: ['Comment'],
    executeProjectCode: false,
    rowCounts: { Post: 300_000 },
  },
];
