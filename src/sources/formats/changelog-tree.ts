import type { Node, Scalar } from 'yaml';
import { UserError } from '../../errors.js';
import { yaml } from '../../project/parse.js';

/**
 * Liquibase changelogs in XML, YAML and JSON read into one tree: an element with its attributes, child
 * elements, text and 1-based line. XML maps to it directly; in YAML/JSON a key whose value is a scalar is an
 * attribute, one whose value is a mapping is a child, and a list (`columns:`, `changes:`) holds children.
 */
export interface ChangelogNode {
  name: string;
  attributes: Record<string, string>;
  children: ChangelogNode[];
  text: string;
  line: number;
  /** The line the text starts on, when it differs from `line` (a YAML block scalar starts below its key). */
  textLine?: number;
}

// ---------------------------------------------------------------------------------------------- XML

const ENTITIES: Record<string, string> = { lt: '<', gt: '>', amp: '&', quot: '"', apos: "'" };

function decode(text: string): string {
  return text.replace(/&(#x[0-9a-f]+|#\d+|\w+);/gi, (match, entity: string) => {
    if (entity.startsWith('#x')) return String.fromCodePoint(Number.parseInt(entity.slice(2), 16));
    if (entity.startsWith('#')) return String.fromCodePoint(Number(entity.slice(1)));
    return ENTITIES[entity] ?? match;
  });
}

/** A small XML reader (elements, attributes, text, CDATA; comments, declarations and DOCTYPE skipped). */
export function parseXmlChangelog(text: string, file: string): ChangelogNode {
  const root: ChangelogNode = { name: '#document', attributes: {}, children: [], text: '', line: 1 };
  const stack: ChangelogNode[] = [root];
  let index = 0;
  let line = 1;
  const advance = (to: number) => {
    for (let i = index; i < to; i++) if (text.charCodeAt(i) === 10) line++;
    index = to;
  };
  const fail = (what: string): never => {
    throw new UserError('malformed-xml', `${file}:${line}: ${what}.`, 'Fix the XML so that it is well formed.', {
      file,
      line,
      column: 1,
    });
  };
  while (index < text.length) {
    const open = text.indexOf('<', index);
    const current = stack[stack.length - 1]!;
    if (open === -1) {
      current.text += decode(text.slice(index));
      break;
    }
    current.text += decode(text.slice(index, open));
    advance(open);
    if (text.startsWith('<!--', index)) {
      const end = text.indexOf('-->', index);
      if (end === -1) fail('unclosed comment');
      advance(end + 3);
    } else if (text.startsWith('<![CDATA[', index)) {
      const end = text.indexOf(']]>', index);
      if (end === -1) fail('unclosed CDATA section');
      current.text += text.slice(index + 9, end);
      advance(end + 3);
    } else if (text.startsWith('<?', index) || text.startsWith('<!', index)) {
      const end = text.indexOf('>', index);
      if (end === -1) fail('unclosed declaration');
      advance(end + 1);
    } else if (text.startsWith('</', index)) {
      const end = text.indexOf('>', index);
      const name = text.slice(index + 2, end).trim();
      if (stack.length < 2 || localName(name) !== current.name)
        fail(`closing tag </${name}> does not match <${current.name}>`);
      stack.pop();
      advance(end + 1);
    } else {
      const match = /^<([\w:.-]+)((?:\s+[\w:.-]+\s*=\s*(?:"[^"]*"|'[^']*'))*)\s*(\/?)>/.exec(text.slice(index));
      if (!match) fail('malformed tag');
      const node: ChangelogNode = { name: localName(match![1]!), attributes: {}, children: [], text: '', line };
      for (const attribute of match![2]!.matchAll(/([\w:.-]+)\s*=\s*(?:"([^"]*)"|'([^']*)')/g)) {
        node.attributes[localName(attribute[1]!)] = decode(attribute[2] ?? attribute[3] ?? '');
      }
      current.children.push(node);
      advance(index + match![0].length);
      if (!match![3]) stack.push(node);
    }
  }
  if (stack.length > 1) fail(`<${stack[stack.length - 1]!.name}> is never closed`);
  return root;
}

function localName(name: string): string {
  return name.includes(':') ? name.slice(name.indexOf(':') + 1) : name;
}

// ---------------------------------------------------------------------------------------------- YAML / JSON

/** YAML and JSON (a subset of YAML) changelogs, with the line of each mapping from the parser's ranges. */
export function parseYamlChangelog(text: string, file: string): ChangelogNode {
  const { isMap, isScalar, isSeq, LineCounter, parseDocument } = yaml();
  const counter = new LineCounter();
  const document = parseDocument(text, { lineCounter: counter });
  const error = document.errors[0];
  if (error) {
    const position = error.linePos?.[0];
    throw new UserError(
      'malformed-yaml',
      `${file} is not valid ${file.endsWith('.json') ? 'JSON' : 'YAML'}: ${error.message.split(' at line')[0]}.`,
      'Fix the syntax at the position shown.',
      { file, ...(position ? { line: position.line, column: position.col } : {}) },
    );
  }
  const lineOf = (node: Node | null | undefined) => (node?.range ? counter.linePos(node.range[0]).line : 1);
  // A block scalar (`sql: |`) starts with its indicator; its text begins on the next line.
  const textLineOf = (scalar: Scalar) =>
    lineOf(scalar) + (scalar.type === 'BLOCK_LITERAL' || scalar.type === 'BLOCK_FOLDED' ? 1 : 0);
  const element = (name: string, value: unknown, line: number): ChangelogNode => {
    const node: ChangelogNode = { name, attributes: {}, children: [], text: '', line };
    if (isScalar(value)) {
      node.text = String(value.value ?? '');
      node.textLine = textLineOf(value);
      return node;
    }
    if (isSeq(value)) {
      for (const item of value.items) node.children.push(...itemsOf(item));
      return node;
    }
    if (!isMap(value)) return node;
    for (const pair of value.items) {
      const key = isScalar(pair.key) ? String(pair.key.value) : '';
      const child = pair.value as Node | null;
      if (isScalar(child)) {
        // `sql: "…"` inside a sql change (and `comment`) is the element's text, as in XML.
        if (key === name && (name === 'sql' || name === 'comment')) {
          node.text = String(child.value ?? '');
          node.textLine = textLineOf(child);
        } else node.attributes[key] = String(child.value ?? '');
      } else if (isSeq(child)) {
        // `columns:`, `changes:`, `databaseChangeLog:` lists: each item is one child element.
        const holder = ['columns', 'changes', 'databaseChangeLog', 'column'].includes(key);
        if (holder) for (const item of child.items) node.children.push(...itemsOf(item));
        else node.children.push(element(key, child, lineOf(child)));
      } else if (isMap(child)) node.children.push(element(key, child, lineOf(pair.key as Node)));
    }
    return node;
  };
  const itemsOf = (item: unknown): ChangelogNode[] => {
    if (!isMap(item))
      return isScalar(item)
        ? [{ name: '#text', attributes: {}, children: [], text: String(item.value), line: lineOf(item) }]
        : [];
    return item.items.map((pair) =>
      element(isScalar(pair.key) ? String(pair.key.value) : '', pair.value, lineOf(pair.key as Node)),
    );
  };
  const contents = document.contents as Node | null;
  const root: ChangelogNode = { name: '#document', attributes: {}, children: [], text: '', line: 1 };
  if (isMap(contents)) root.children.push(...itemsOf(contents));
  return root;
}
