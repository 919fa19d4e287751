/** Array.prototype.some for any iterable (Node 20 has no iterator helpers), without copying it into an array. */
export function some<T>(items: Iterable<T>, test: (item: T) => boolean): boolean {
  for (const item of items) if (test(item)) return true;
  return false;
}
