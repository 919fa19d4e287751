import { UserError } from '../../errors.js';
import type { Engine, Statement } from '../../model.js';
import { splitStatements } from '../statements.js';

/**
 * Shared reader for SQL files whose halves are marked by comments (dbmate, goose, sql-migrate):
 * `up`/`down` markers open a section; `begin`/`end` markers keep a block as one statement.
 */
export interface Markers {
  up: RegExp;
  down: RegExp;
  begin?: RegExp;
  end?: RegExp;
  tool: string;
}

export interface AnnotatedSql {
  up: Statement[];
  down?: Statement[];
  /** The marker lines, for options such as `transaction:false` on dbmate's up line. */
  upMarker: string;
  downMarker?: string;
}

interface Section {
  kind: 'up' | 'down';
  marker: string;
  /** [start, end) character ranges: `split` ones are split, `block` ones are one statement each. */
  parts: { start: number; end: number; block: boolean }[];
}

export async function readAnnotated(
  text: string,
  file: string,
  engine: Engine | undefined,
  markers: Markers,
): Promise<AnnotatedSql> {
  const sections: Section[] = [];
  let current: Section | undefined;
  let blockStart: number | undefined;
  let partStart = 0;
  let offset = 0;
  let lineNumber = 0;
  for (const line of text.split('\n')) {
    lineNumber++;
    const lineStart = offset;
    const lineEnd = offset + line.length;
    offset = lineEnd + 1;
    const trimmed = line.trim();
    const isUp = markers.up.test(trimmed);
    const isDown = markers.down.test(trimmed);
    if (isUp || isDown) {
      if (blockStart !== undefined) throw unclosedBlock(file, lineNumber, markers);
      if (current) current.parts.push({ start: partStart, end: lineStart, block: false });
      current = { kind: isUp ? 'up' : 'down', marker: trimmed, parts: [] };
      sections.push(current);
      partStart = Math.min(offset, text.length);
      continue;
    }
    if (markers.begin?.test(trimmed)) {
      if (!current) throw outsideSection(file, lineNumber, markers);
      current.parts.push({ start: partStart, end: lineStart, block: false });
      blockStart = Math.min(offset, text.length);
      continue;
    }
    if (markers.end?.test(trimmed)) {
      if (!current || blockStart === undefined) throw outsideSection(file, lineNumber, markers);
      current.parts.push({ start: blockStart, end: lineStart, block: true });
      blockStart = undefined;
      partStart = Math.min(offset, text.length);
    }
  }
  if (blockStart !== undefined) throw unclosedBlock(file, lineNumber, markers);
  if (current) current.parts.push({ start: partStart, end: text.length, block: false });

  const up = sections.filter((section) => section.kind === 'up');
  const down = sections.filter((section) => section.kind === 'down');
  if (up.length === 0) {
    throw new UserError(
      'missing-up-marker',
      `${file} has no ${markers.tool} up marker, so ${markers.tool} would run nothing from it.`,
      `Start the up half with a line \`${markers.up.source
        .replace(/\\s\+|\\s\*|\^|\$|\\b/g, ' ')
        .replace(/\s+/g, ' ')
        .trim()}\`.`,
      { file, line: 1, column: 1 },
    );
  }
  return {
    up: await statementsOf(text, file, engine, up),
    ...(down.length > 0 ? { down: await statementsOf(text, file, engine, down), downMarker: down[0]?.marker } : {}),
    upMarker: up[0]?.marker ?? '',
  };
}

async function statementsOf(
  text: string,
  file: string,
  engine: Engine | undefined,
  sections: Section[],
): Promise<Statement[]> {
  const statements: Statement[] = [];
  for (const section of sections) {
    for (const part of section.parts) {
      if (part.block) {
        const block = await splitStatements(text, undefined, file, part);
        const first = block[0];
        const last = block[block.length - 1];
        if (first && last) {
          statements.push({
            sql: text.slice(first.offset.start, last.offset.end),
            span: { start: first.span.start, end: last.span.end },
            offset: { start: first.offset.start, end: last.offset.end },
          });
        }
      } else if (text.slice(part.start, part.end).trim() !== '') {
        statements.push(...(await splitStatements(text, engine, file, part)));
      }
    }
  }
  return statements;
}

function unclosedBlock(file: string, line: number, markers: Markers): UserError {
  return new UserError(
    'unclosed-statement-block',
    `${file}: a ${markers.tool} StatementBegin block is not closed before line ${line}.`,
    'Close every StatementBegin with a StatementEnd line before the next section or the end of the file.',
    { file, line, column: 1 },
  );
}

function outsideSection(file: string, line: number, markers: Markers): UserError {
  return new UserError(
    'misplaced-statement-marker',
    `${file}:${line}: a ${markers.tool} StatementBegin/StatementEnd marker is outside an Up/Down section or unmatched.`,
    'Put StatementBegin … StatementEnd pairs inside the Up or Down section.',
    { file, line, column: 1 },
  );
}
