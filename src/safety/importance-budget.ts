/**
 * Keeps the items that fit a budget, the most important first, whatever order they come in: when an item does
 * not fit, the latest kept item of the least important rank below its own is dropped to make room, and when
 * none is less important the new item is dropped instead. Rank 0 is the most important. Used to cap what a huge
 * report returns (MCP findings, a pull-request comment) without hiding an error found late behind infos found
 * early, and without holding the whole report.
 */

export interface KeptItem<T> {
  readonly item: T;
  readonly rank: number;
  readonly cost: number;
  /** Set when a more important item took its place after it was kept. */
  dropped: boolean;
}

export class ImportanceBudget<T> {
  private used = 0;
  /** Kept items by rank, latest last (a rank's list is made when its first item is kept). */
  private readonly byRank: Array<Array<KeptItem<T>> | undefined> = [];

  constructor(
    private readonly budget: number,
    /** Called for every item left out: one not kept, or one dropped later. */
    private readonly onDrop: (item: T, rank: number) => void,
  ) {}

  /** Offers an item; its entry if it is kept (read `dropped` later), undefined if it is left out at once. */
  offer(item: T, rank: number, cost = 1): KeptItem<T> | undefined {
    while (this.used + cost > this.budget) {
      const lesser = this.leastImportantBelow(rank);
      const out = lesser?.pop();
      if (!out) {
        this.onDrop(item, rank);
        return undefined;
      }
      out.dropped = true;
      this.used -= out.cost;
      this.onDrop(out.item, out.rank);
    }
    const kept: KeptItem<T> = { item, rank, cost, dropped: false };
    this.used += cost;
    const list = this.byRank[rank];
    if (list) list.push(kept);
    else this.byRank[rank] = [kept];
    return kept;
  }

  private leastImportantBelow(rank: number): Array<KeptItem<T>> | undefined {
    for (let lesser = this.byRank.length - 1; lesser > rank; lesser--) {
      const items = this.byRank[lesser];
      if (items && items.length > 0) return items;
    }
    return undefined;
  }
}
