import { type DslArgs, type DslNode, type DslValue, parseCall, stringEnd } from './dsl-source.js';

/**
 * The bits of Ruby a Rails migration uses around its calls, read statically: local variables and constants bound to a
 * literal (what `#{name}` in a string of the file stands for), assignments, and `if`/`unless` modifiers written
 * outside string literals.
 */

/** Names bound to a literal scalar of the file (a string, number or symbol), with that value. */
export type Literals = ReadonlyMap<string, DslValue>;

const ASSIGNMENT = /^([A-Za-z_]\w*)\s*(\|\||&&|\+|-|\*|\/|<<|%)?=(?![=~>])\s*([\s\S]+)$/;

/** `name = value` (or `name ||= value`, `name += value` …): the name, the operator before `=`, the value's text. */
export function assignmentOf(text: string): { name: string; operator: string; value: string } | undefined {
  const match = ASSIGNMENT.exec(text);
  if (!match) return undefined;
  return { name: match[1]!, operator: match[2] ?? '', value: match[3]!.trim() };
}

/** The value the text is when it is one literal and nothing more (`"3,4,7,8"`, `500`, `:desc`, `%i[a b]`). */
export function literalValue(text: string): DslValue | undefined {
  const call = parseCall(`__value__ ${text}`, 'ruby');
  if (!call || call.block !== undefined || call.args.keywords.size > 0 || call.args.positional.length !== 1)
    return undefined;
  const value = call.args.positional[0]!;
  return isLiteral(value) ? value : undefined;
}

/** A value with no code in it: strings without interpolation, numbers, symbols, true/false/nil, lists of those. */
export function isLiteral(value: DslValue): boolean {
  switch (value.kind) {
    case 'string':
      return !value.interpolated;
    case 'symbol':
    case 'number':
    case 'bool':
    case 'nil':
      return true;
    case 'array':
      return value.items.every(isLiteral);
    case 'keywords':
      return value.entries.every(([, entry]) => isLiteral(entry));
    default:
      return false;
  }
}

/** What `#{value}` writes for a literal scalar (Ruby's to_s), or undefined for another value. */
function interpolatedText(value: DslValue): string | undefined {
  if (value.kind === 'string' && !value.interpolated) return value.value;
  if (value.kind === 'symbol') return value.value;
  if (value.kind === 'number' && Number.isInteger(value.value)) return String(value.value);
  return undefined;
}

function everyNode(nodes: readonly DslNode[], visit: (node: DslNode) => void): void {
  for (const node of nodes) {
    visit(node);
    if (node.children) everyNode(node.children, visit);
  }
}

/**
 * The literals of a method body (or a class's constants): each name assigned exactly once in `nodes`, to a literal
 * scalar, and never changed in place (`<<`, a bang method, `concat`/`replace`) nor reused as a block parameter.
 * `outer` (the class constants) are kept unless the body assigns the name itself.
 */
export function literalsOf(nodes: readonly DslNode[], outer: Literals = new Map()): Map<string, DslValue> {
  const assignments = new Map<string, number>();
  const values = new Map<string, DslValue>();
  const texts: string[] = [];
  const parameters = new Set<string>();
  everyNode(nodes, (node) => {
    texts.push(node.text);
    for (const parameter of node.params?.split(',') ?? []) parameters.add(parameter.trim());
    const assignment = assignmentOf(node.text);
    if (!assignment) return;
    assignments.set(assignment.name, (assignments.get(assignment.name) ?? 0) + 1);
    // Assigned once, `name ||= value` binds the value as `=` does.
    const value =
      assignment.operator === '' || assignment.operator === '||' ? literalValue(assignment.value) : undefined;
    if (value && interpolatedText(value) !== undefined) values.set(assignment.name, value);
  });
  const result = new Map(outer);
  for (const name of assignments.keys()) result.delete(name);
  for (const [name, value] of values) {
    const mutated = new RegExp(
      `\\b${name}\\s*<<|\\b${name}\\.(\\w+!|concat\\b|replace\\b|insert\\b|prepend\\b|clear\\b)`,
    );
    if (assignments.get(name) === 1 && !parameters.has(name) && !texts.some((each) => mutated.test(each)))
      result.set(name, value);
  }
  return result;
}

/**
 * Replaces each `#{name}` whose name is a literal of the file (the string stays interpolated if one is left), and
 * a bare name given as an argument (`execute sql`) by its literal.
 */
export function resolveInterpolations(value: DslValue, literals: Literals): DslValue {
  switch (value.kind) {
    case 'string': {
      if (!value.interpolated) return value;
      const text = value.value.replace(/#\{\s*([A-Za-z_]\w*)\s*\}/g, (whole, name: string) => {
        const literal = literals.get(name);
        return (literal && interpolatedText(literal)) ?? whole;
      });
      return { kind: 'string', value: text, interpolated: text.includes('#{') };
    }
    case 'array':
      return { kind: 'array', items: value.items.map((item) => resolveInterpolations(item, literals)) };
    case 'keywords':
      return {
        kind: 'keywords',
        entries: value.entries.map(([name, entry]) => [name, resolveInterpolations(entry, literals)]),
      };
    case 'call': {
      const bare = value.block === undefined && value.args.positional.length === 0 && value.args.keywords.size === 0;
      const literal = bare ? literals.get(value.name) : undefined;
      return literal ?? { ...value, args: resolveArgs(value.args, literals) };
    }
    default:
      return value;
  }
}

export function resolveArgs(args: DslArgs, literals: Literals): DslArgs {
  return {
    positional: args.positional.map((value) => resolveInterpolations(value, literals)),
    keywords: new Map([...args.keywords].map(([name, value]) => [name, resolveInterpolations(value, literals)])),
  };
}

/** The first `#{…}` left in a string of the arguments (one whose value is not a literal of the file). */
export function unresolvedInterpolation(args: DslArgs): string | undefined {
  const find = (value: DslValue): string | undefined => {
    switch (value.kind) {
      case 'string':
        return value.interpolated ? (/#\{[^}]*\}?/.exec(value.value)?.[0] ?? '#{…}') : undefined;
      case 'array':
        return value.items.map(find).find((each) => each !== undefined);
      case 'keywords':
        return value.entries.map(([, entry]) => find(entry)).find((each) => each !== undefined);
      case 'call':
        return unresolvedInterpolation(value.args);
      default:
        return undefined;
    }
  };
  return [...args.positional, ...args.keywords.values()].map(find).find((each) => each !== undefined);
}

/**
 * A statement ending in an `if`/`unless` modifier: the statement before it, the keyword and the condition. Only a
 * keyword outside string literals and brackets counts, so `"#{", id" if maintain_ids}"` in a heredoc is not one.
 */
export function modifierOf(
  text: string,
): { statement: string; keyword: 'if' | 'unless'; condition: string } | undefined {
  let depth = 0;
  for (let index = 0; index < text.length; index++) {
    const char = text[index]!;
    if (char === '"' || char === "'" || char === '`') {
      index = stringEnd(text, index) - 1;
      continue;
    }
    if ('([{'.includes(char)) depth++;
    else if (')]}'.includes(char)) depth = Math.max(0, depth - 1);
    else if (depth === 0 && /\s/.test(char)) {
      const keyword = /^\s+(if|unless)\s+/.exec(text.slice(index));
      if (keyword && index > 0)
        return {
          statement: text.slice(0, index),
          keyword: keyword[1] as 'if' | 'unless',
          condition: text.slice(index + keyword[0].length),
        };
    }
  }
  return undefined;
}
