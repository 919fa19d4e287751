import { readFileSync } from 'node:fs';

/**
 * One read of each file for a one-shot command. `check` on a history would otherwise read each migration three
 * times: detect_setup's scan, the format's reader, and the checker's own copy of the file — and every stage sees
 * the same text. A CLI process turns this on; the MCP server does not (its requests interleave, and a file may
 * change between two of them), so there every read goes to the disk.
 */
let texts: Map<string, string> | undefined;

export function readEachFileOnce(): void {
  texts ??= new Map();
}

export function readingOnce(): boolean {
  return texts !== undefined;
}

/** The text of an absolute path read earlier in this process, when reading once. */
export function knownText(absolute: string): string | undefined {
  return texts?.get(absolute);
}

/** Keeps a text just read from the disk, when reading once. */
export function rememberText(absolute: string, text: string): string {
  texts?.set(absolute, text);
  return text;
}

/** readFileSync(absolute, 'utf8') (it throws the same errors), from the first read when reading once. */
export function readFileOnce(absolute: string): string {
  return knownText(absolute) ?? rememberText(absolute, readFileSync(absolute, 'utf8'));
}
