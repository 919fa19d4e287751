import type { BenchModule, BenchResult } from './types.js';

/**
 * `npm run bench`: runs every bench module and prints one table of medians, ratios and targets.
 * Adding a benchmark = adding bench/<area>.ts (exporting `run(): Promise<BenchResult[]>`) and one line below.
 */
const MODULES: [string, () => Promise<BenchModule>][] = [
  ['foundation', () => import('./foundation.js')],
  ['safety', () => import('./safety.js')],
  ['safety-mysql', () => import('./safety-mysql.js')],
  ['sources', () => import('./sources.js')],
  ['shadow', () => import('./shadow.js')],
  ['responsive', () => import('./responsive.js')],
  ['schema-diff', () => import('./schema-diff.js')],
  ['workflow', () => import('./workflow.js')],
  ['guard', () => import('./guard.js')],
  ['results', () => import('./results.js')],
  // bench modules: one entry per line
];

function formatNumber(value: number): string {
  return value >= 100 ? value.toFixed(0) : value >= 10 ? value.toFixed(1) : value.toFixed(2);
}

function verdict(result: BenchResult): string {
  if (result.target === undefined) return '';
  const met = result.higherIsBetter ? result.median >= result.target : result.median <= result.target;
  return met ? 'ok' : 'MISSED';
}

function table(results: BenchResult[]): string {
  const rows = [
    ['benchmark', 'median', 'runs', 'target', 'peer ratio', 'status'],
    ...results.map((result) => [
      result.name,
      `${formatNumber(result.median)} ${result.unit}`,
      String(result.runs),
      result.target === undefined ? '' : `${result.higherIsBetter ? '≥' : '<'} ${result.target} ${result.unit}`,
      result.ratio === undefined ? '' : `${result.ratio.toFixed(2)}× ${result.peer ?? ''}`.trim(),
      verdict(result),
    ]),
  ];
  const widths = rows[0]!.map((_, column) => Math.max(...rows.map((row) => row[column]!.length)));
  const line = (row: string[]) =>
    row
      .map((cell, column) => cell.padEnd(widths[column]!))
      .join('  ')
      .trimEnd();
  return [line(rows[0]!), widths.map((width) => '-'.repeat(width)).join('  '), ...rows.slice(1).map(line)].join('\n');
}

async function main(): Promise<void> {
  // `node dist/bench/run.js safety` runs one module; `safety:history` only that module's entries named so.
  const only = process.argv.slice(2).map((arg) => arg.split(':') as [string, string | undefined]);
  const results: BenchResult[] = [];
  for (const [name, load] of MODULES) {
    const chosen = only.filter(([module]) => module === name);
    if (only.length && chosen.length === 0) continue;
    const entries = chosen.flatMap(([, entry]) => (entry ? [entry] : []));
    process.stderr.write(`bench ${name} …\n`);
    results.push(...(await (await load()).run(entries.length > 0 ? entries : undefined)));
  }
  process.stdout.write(`${table(results)}\n`);
  const notes = results.filter((result) => result.note).map((result) => `- ${result.name}: ${result.note}`);
  if (notes.length) process.stdout.write(`\n${notes.join('\n')}\n`);
  const missed = results.filter((result) => verdict(result) === 'MISSED').length;
  process.stdout.write(`\n${results.length} benchmarks, ${missed} missed their target.\n`);
}

await main();
