import type { Engine, MigrationFormat } from '../model.js';
import type { Promotion } from './promotion.js';
import type { RollbackPlan } from './rollback.js';
import type { RollbackGrade } from './rollback-grade.js';

/**
 * The migration plan (seed step 7) as data: every section of the seed's plan template, filled from what the
 * other tools measured — the safety report, the shadow rehearsal, the down migration — plus the lock timeline.
 * The Markdown and terminal renderings read only this.
 */

export type PlanRisk = 'LOW' | 'MEDIUM' | 'HIGH';

/** One row of the changes table: what a statement does to which table and column. */
export interface PlanChange {
  /** The migration's id. */
  migration: string;
  /** 1-based statement index within the migration's up. */
  statement: number;
  action: string;
  table: string;
  /** '—' when the change is not about one column. */
  column: string;
  details: string;
}

export interface PlanMigrationFile {
  id: string;
  name: string;
  /** Path relative to the project root ('<sql>' for SQL given as text). */
  path: string;
  format: MigrationFormat;
  transactional: boolean;
  /** The tool sends the whole file as one query (PostgreSQL runs it as one implicit transaction). */
  oneQuery: boolean;
  statements: number;
  hasDown: boolean;
  /** The up SQL the tool runs (compiled from code for code migrations). */
  sql: string;
  /** The file as written, for code migrations (the SQL above is what it compiles to). */
  source?: string;
}

/** rollback_plan's answer for one migration, as it gives it; or why none could be made. */
export interface PlanRollback {
  migration: string;
  plan?: RollbackPlan;
  error?: string;
}

/** The rollback in the tool's result: the verdict and what to run; the full plan is in the Markdown. */
export interface PlanRollbackSummary {
  migration: string;
  grade: RollbackGrade | 'unknown';
  down: 'project' | 'derived' | 'none';
  downStatements: number;
  command?: string;
  /** up → down → up on the shadow. */
  proof: 'passed' | 'failed' | 'skipped';
  pointsOfNoReturn: { phase: 'up' | 'down'; statement: number; lost: string; backup: string }[];
  findings: string[];
}

export type ChecklistStatus = 'pass' | 'fail' | 'unknown';

export interface PlanChecklistItem {
  id: 'no-data-loss' | 'backward-compatible' | 'no-long-locks' | 'indexes' | 'foreign-keys' | 'rollback-tested';
  /** The seed template's wording. */
  title: string;
  status: ChecklistStatus;
  evidence: string[];
}

export type TimelinePhase = 'up' | 'down';

/** What a lock stops other sessions from doing while it is held. */
export type Blocked = 'reads and writes' | 'writes' | 'schema changes';

/** One lock on one table, taken by one statement: from when, for how long. */
export interface TimelineEntry {
  phase: TimelinePhase;
  migration: string;
  /** 1-based statement index within the phase. */
  statement: number;
  /** file:line:col of the statement. */
  location: string;
  /** The statement's first line, shortened. */
  sql: string;
  table: string;
  mode: string;
  blocks: Blocked;
  /** When the lock is taken, from the start of the phase (ms). */
  startMs: number;
  /** How long it is held (ms): rehearsed, or estimated at the production row count when one is known. */
  durationMs: number;
  /** 'rehearsed': measured on the shadow; 'estimated': scaled to production row counts or from table sizes. */
  source: 'rehearsed' | 'estimated';
  /** The hold measured on the shadow, when it was rehearsed. */
  rehearsedMs?: number;
  heldUntil: 'commit' | 'end of statement';
  exceedsLockTimeout: boolean;
}

export interface LockTimeline {
  lockTimeoutMs: number;
  /** Length of the up phase as the timeline draws it (ms). */
  totalMs: number;
  entries: TimelineEntry[];
  /** How the durations were obtained, in words. */
  basis: string;
}

export interface DeploymentStep {
  environment: 'staging' | 'production' | 'follow-up';
  title: string;
  commands: string[];
  detail?: string;
}

export interface PlanImpact {
  downtime: string;
  lockDuration: string;
  /** The longest time one table is blocked for reads or writes in the up phase (ms). */
  longestBlockMs: number;
  affectedTables: string[];
}

export interface MigrationPlan {
  name: string;
  summary: string;
  risk: PlanRisk;
  riskReasons: string[];
  engine: Engine;
  migrations: PlanMigrationFile[];
  changes: PlanChange[];
  rollback: PlanRollback[];
  checklist: PlanChecklistItem[];
  deployment: DeploymentStep[];
  impact: PlanImpact;
  timeline: LockTimeline;
  /** The rehearsal of each migration on the shadow: outcome, round trip, where it ran. */
  rehearsals: { migration: string; outcome: 'passed' | 'failed' | 'skipped'; shadow?: string; reason?: string }[];
  /** The environment the migrations are promoted to, when the plan was asked for one: what it has still to run. */
  environment?: Promotion;
  notes: string[];
}
