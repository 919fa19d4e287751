/** One benchmark figure: the median of repeated runs, optionally compared with a peer tool and a target. */
export interface BenchResult {
  /** What was measured, e.g. "cold start (spawn → initialize → tools/list)". */
  name: string;
  /** Unit of median and target: "ms", "MiB", "statements/s" … */
  unit: string;
  median: number;
  runs: number;
  /** median / peer median (below 1 = we are faster) when a peer was measured. */
  ratio?: number;
  /** The peer tool the ratio compares with, e.g. "squawk 2.61". */
  peer?: string;
  /** The goal; the runner marks a result that misses it. Lower is better unless `higherIsBetter`. */
  target?: number;
  higherIsBetter?: boolean;
  note?: string;
}

/** Every bench/<area>.ts module exports this. */
/** `only`: the module's entries to run (`npm run bench -- safety:history`); all when absent. */
export type BenchModule = { run(only?: string[]): Promise<BenchResult[]> };
