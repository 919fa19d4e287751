import type { PrismaSchemaFile } from './prisma-wasm.js';

/**
 * What Prisma's DMMF leaves out but Prisma Migrate still writes to the database: whether a block is a `view`,
 * `@@ignore`d models and `@ignore`d fields, `Unsupported("…")` fields, foreign key names (`@relation(map: …)`),
 * an enum's `@@schema`, and the datasource's `relationMode`. Read from the schema text after Prisma's validator
 * accepted it, so the text is known to be well formed.
 */

export interface PrismaBlockField {
  name: string;
  /** `Int?`, `String[]`, `Unsupported("tsvector")?` */
  type: string;
  attributes: string;
}

export interface PrismaBlock {
  kind: 'model' | 'view' | 'enum' | 'type' | 'datasource' | 'generator';
  name: string;
  file: string;
  line: number;
  fields: PrismaBlockField[];
  /** `@@…` attributes of the block, as written. */
  blockAttributes: string[];
  body: string;
}

export function scanPrismaBlocks(files: readonly PrismaSchemaFile[]): PrismaBlock[] {
  const blocks: PrismaBlock[] = [];
  for (const [file, content] of files) {
    const text = withoutComments(content);
    const header = /^[ \t]*(model|view|enum|type|datasource|generator)\s+(\w+)\s*\{/gm;
    for (let match = header.exec(text); match; match = header.exec(text)) {
      const end = closingBrace(text, match.index + match[0].length);
      const body = text.slice(match.index + match[0].length, end);
      const lines = body.split('\n').map((line) => line.trim());
      blocks.push({
        kind: match[1] as PrismaBlock['kind'],
        name: match[2] ?? '',
        file,
        line: text.slice(0, match.index).split('\n').length,
        fields: lines.filter((line) => /^\w/.test(line)).map(parseFieldLine),
        blockAttributes: lines.filter((line) => line.startsWith('@@')),
        body,
      });
      header.lastIndex = end;
    }
  }
  return blocks;
}

function parseFieldLine(line: string): PrismaBlockField {
  const match = /^(\w+)\s+((?:Unsupported\("(?:[^"\\]|\\.)*"\)|[\w.]+)(?:\[\])?\??)\s*(.*)$/.exec(line);
  return { name: match?.[1] ?? line, type: match?.[2] ?? '', attributes: match?.[3] ?? '' };
}

/** Removes `//` comments (outside string literals), keeping line breaks so line numbers stay true. */
function withoutComments(content: string): string {
  let out = '';
  let inString = false;
  for (let index = 0; index < content.length; index++) {
    const char = content[index];
    if (inString) {
      out += char;
      if (char === '\\') out += content[++index] ?? '';
      else if (char === '"') inString = false;
    } else if (char === '"') {
      inString = true;
      out += char;
    } else if (char === '/' && content[index + 1] === '/') {
      while (index < content.length && content[index] !== '\n') index++;
      if (index < content.length) out += '\n';
    } else out += char;
  }
  return out;
}

function closingBrace(text: string, from: number): number {
  let depth = 1;
  let inString = false;
  for (let index = from; index < text.length; index++) {
    const char = text[index];
    if (inString) {
      if (char === '\\') index++;
      else if (char === '"') inString = false;
    } else if (char === '"') inString = true;
    else if (char === '{') depth++;
    else if (char === '}' && --depth === 0) return index;
  }
  return text.length;
}

/** The string argument `name: "…"` of an attribute call such as `@relation(…)`, when present. */
export function namedStringArgument(attributeText: string, attribute: string, argument: string): string | undefined {
  const start = attributeText.indexOf(`${attribute}(`);
  if (start < 0) return undefined;
  const open = start + attribute.length;
  const args = attributeText.slice(open, closingParenthesis(attributeText, open + 1));
  return new RegExp(`\\b${argument}\\s*:\\s*"((?:[^"\\\\]|\\\\.)*)"`).exec(args)?.[1];
}

function closingParenthesis(text: string, from: number): number {
  let depth = 1;
  let inString = false;
  for (let index = from; index < text.length; index++) {
    const char = text[index];
    if (inString) {
      if (char === '\\') index++;
      else if (char === '"') inString = false;
    } else if (char === '"') inString = true;
    else if (char === '(') depth++;
    else if (char === ')' && --depth === 0) return index;
  }
  return text.length;
}

/** The first string argument of a block attribute such as `@@schema("auth")`. */
export function blockAttributeString(block: PrismaBlock, attribute: string): string | undefined {
  for (const text of block.blockAttributes) {
    const match = new RegExp(`^${attribute}\\(\\s*(?:\\w+\\s*:\\s*)?"((?:[^"\\\\]|\\\\.)*)"`).exec(text);
    if (match) return match[1];
  }
  return undefined;
}

export function datasourceSetting(blocks: PrismaBlock[], setting: string): string | undefined {
  const datasource = blocks.find((block) => block.kind === 'datasource');
  return datasource ? new RegExp(`^\\s*${setting}\\s*=\\s*"([^"]*)"`, 'm').exec(datasource.body)?.[1] : undefined;
}
