import type { Position } from '../model.js';
import { LineIndex } from '../sql/positions.js';

/**
 * Where values stand in a JSON text, so configuration errors point at file:line:col. A small scanner over
 * valid JSON (JSON.parse has accepted the text first): it records the offset of every value by its path.
 */
export function jsonValuePositions(text: string): Map<string, Position> {
  const lines = new LineIndex(text);
  const positions = new Map<string, Position>();
  let i = 0;
  const skip = () => {
    while (i < text.length && /\s/.test(text[i] ?? '')) i++;
  };
  const readString = (): string => {
    const start = i;
    i++;
    while (i < text.length && text[i] !== '"') i += text[i] === '\\' ? 2 : 1;
    i++;
    return JSON.parse(text.slice(start, i)) as string;
  };
  const value = (path: string[]): void => {
    skip();
    positions.set(path.join('\u0000'), lines.position(i));
    const char = text[i];
    if (char === '{') {
      i++;
      skip();
      while (i < text.length && text[i] !== '}') {
        skip();
        const key = readString();
        skip();
        i++; // colon
        value([...path, key]);
        skip();
        if (text[i] === ',') i++;
        skip();
      }
      i++;
    } else if (char === '[') {
      i++;
      skip();
      let index = 0;
      while (i < text.length && text[i] !== ']') {
        value([...path, String(index++)]);
        skip();
        if (text[i] === ',') i++;
        skip();
      }
      i++;
    } else if (char === '"') {
      readString();
    } else {
      while (i < text.length && !/[\s,\]}]/.test(text[i] ?? '')) i++;
    }
  };
  value([]);
  return positions;
}

/** The position of the value at `path`, or of the nearest enclosing value that exists. */
export function positionOf(positions: Map<string, Position>, path: ReadonlyArray<PropertyKey>): Position {
  const parts = path.map(String);
  for (let length = parts.length; length >= 0; length--) {
    const found = positions.get(parts.slice(0, length).join('\u0000'));
    if (found) return found;
  }
  return { line: 1, column: 1 };
}

/** line:column of a JSON.parse syntax error (Node reports "at position N" or "line L column C"). */
export function jsonSyntaxPosition(text: string, error: unknown): Position {
  const message = error instanceof Error ? error.message : String(error);
  const lineColumn = /line (\d+) column (\d+)/.exec(message);
  if (lineColumn) return { line: Number(lineColumn[1]), column: Number(lineColumn[2]) };
  const position = /position (\d+)/.exec(message);
  if (position) return new LineIndex(text).position(Number(position[1]));
  return new LineIndex(text).position(text.length);
}
