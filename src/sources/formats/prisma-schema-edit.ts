import type { ColumnSpec, Reference } from '../../generate/changes.js';
import type { Engine } from '../../model.js';

/**
 * schema.prisma edited as text, one block at a time, so the user's own layout, comments and ordering survive.
 * Each method says one schema change the Prisma way (models and fields named as the project names them, database
 * names through @map / @@map) so that the edited schema and the migrations history describe the same database.
 */

interface Block {
  kind: 'model' | 'enum';
  name: string;
  /** Line index of `model X {` and of its closing `}`. */
  start: number;
  end: number;
}

interface FieldLine {
  index: number;
  name: string;
  type: string;
  attributes: string;
}

const ACTIONS: Record<NonNullable<Reference['onDelete']>, string> = {
  cascade: 'Cascade',
  restrict: 'Restrict',
  'set null': 'SetNull',
  'set default': 'SetDefault',
  'no action': 'NoAction',
};

export class PrismaSchemaEditor {
  private lines: string[];
  readonly indent: string;

  constructor(
    text: string,
    private readonly engine: Engine,
  ) {
    this.lines = text.split('\n');
    this.indent = /^([ \t]+)\w/m.exec(text)?.[1] ?? '  ';
  }

  get text(): string {
    return this.lines.join('\n');
  }

  private blocks(): Block[] {
    const blocks: Block[] = [];
    for (let index = 0; index < this.lines.length; index++) {
      const header = /^\s*(model|enum)\s+(\w+)\s*\{/.exec(this.lines[index]!);
      if (!header) continue;
      let end = index + 1;
      while (end < this.lines.length && !/^\s*\}/.test(this.lines[end]!)) end++;
      blocks.push({ kind: header[1] as Block['kind'], name: header[2]!, start: index, end });
      index = end;
    }
    return blocks;
  }

  private fields(block: Block): FieldLine[] {
    const fields: FieldLine[] = [];
    for (let index = block.start + 1; index < block.end; index++) {
      const match = /^\s*(\w+)\s+((?:Unsupported\("(?:[^"\\]|\\.)*"\)|[\w.]+)(?:\[\])?\??)\s*(.*)$/.exec(
        this.lines[index]!,
      );
      if (match) fields.push({ index, name: match[1]!, type: match[2]!, attributes: match[3]! });
    }
    return fields;
  }

  private blockAttribute(block: Block, attribute: string): string | undefined {
    for (let index = block.start + 1; index < block.end; index++) {
      const match = new RegExp(`^\\s*${attribute}\\(\\s*(?:name:\\s*)?"([^"]+)"`).exec(this.lines[index]!);
      if (match) return match[1];
    }
    return undefined;
  }

  /** The database name of a model (its @@map, else its name). */
  private tableOf(block: Block): string {
    return this.blockAttribute(block, '@@map') ?? block.name;
  }

  model(table: string): Block | undefined {
    return this.blocks().find((block) => block.kind === 'model' && this.tableOf(block) === table);
  }

  private enumBlock(name: string): Block | undefined {
    return this.blocks().find(
      (block) => block.kind === 'enum' && (this.blockAttribute(block, '@@map') ?? block.name) === name,
    );
  }

  private columnOf(field: FieldLine): string {
    return /@map\(\s*(?:name:\s*)?"([^"]+)"/.exec(field.attributes)?.[1] ?? field.name;
  }

  private field(block: Block, column: string): FieldLine | undefined {
    return this.fields(block).find((field) => this.isScalar(field) && this.columnOf(field) === column);
  }

  private isScalar(field: FieldLine): boolean {
    const type = field.type.replace(/[?[\]]/g, '');
    return (
      !/@relation\b/.test(field.attributes) &&
      !this.blocks().some((block) => block.kind === 'model' && block.name === type)
    );
  }

  private fieldName(table: string, column: string): string {
    const block = this.model(table);
    return (block && this.field(block, column)?.name) ?? column;
  }

  private insertInModel(block: Block, line: string): void {
    let at = block.end;
    // Fields go above the block attributes (@@index, @@map …), which Prisma keeps last.
    for (let index = block.start + 1; index < block.end; index++) {
      if (/^\s*@@/.test(this.lines[index]!)) {
        at = index;
        while (at > block.start + 1 && this.lines[at - 1]!.trim() === '') at--;
        break;
      }
    }
    this.lines.splice(at, 0, `${this.indent}${line}`);
  }

  private appendBlockAttribute(block: Block, line: string): void {
    const hasAttributes = this.findLine(block, /^\s*@@/) !== undefined;
    const previous = this.lines[block.end - 1]!.trim();
    // Block attributes sit under the fields, after one blank line.
    const gap = !hasAttributes && block.end - 1 > block.start && previous !== '' ? [''] : [];
    this.lines.splice(block.end, 0, ...gap, `${this.indent}${line}`);
  }

  private appendBlock(lines: string[]): void {
    while (this.lines.length > 0 && this.lines.at(-1)!.trim() === '') this.lines.pop();
    this.lines.push('', ...lines, '');
  }

  /** Whether the project names fields in camelCase over snake_case columns (any field with @map). */
  private mapsColumns(): boolean {
    return this.lines.some((line) => /^\s*\w+\s+\S+.*@map\(/.test(line));
  }

  private uniqueFieldName(block: Block, wanted: string): string {
    const taken = new Set(this.fields(block).map((field) => field.name));
    let name = wanted;
    for (let suffix = 2; taken.has(name); suffix++) name = `${wanted}${suffix}`;
    return name;
  }

  private modelName(table: string): { name: string; map?: string } {
    const existing = this.blocks().map((block) => block.name);
    const mapsTables = this.blocks().some((block) => block.kind === 'model' && this.blockAttribute(block, '@@map'));
    if (/^[A-Za-z][A-Za-z0-9_]*$/.test(table) && !mapsTables && !existing.includes(table)) return { name: table };
    const pascal = table
      .split(/[^A-Za-z0-9]+/)
      .filter(Boolean)
      .map((part) => part[0]!.toUpperCase() + part.slice(1))
      .join('');
    const singular = mapsTables ? pascal.replace(/(?<=[a-z])s$/, '') : pascal;
    let name = /^[A-Za-z]/.test(singular) ? singular : `T${singular}`;
    for (let suffix = 2; existing.includes(name); suffix++) name = `${singular}${suffix}`;
    return name === table ? { name } : { name, map: table };
  }

  createTable(table: string, columns: ColumnSpec[], primaryKey: string[] | undefined): void {
    const { name, map } = this.modelName(table);
    this.appendBlock([`model ${name} {`, '}']);
    const block = this.model(table) ?? this.blocks().find((candidate) => candidate.name === name)!;
    if (map) this.appendBlockAttribute(block, `@@map("${map}")`);
    // Scalars first, relation fields after them, as `prisma db pull` orders a model.
    for (const { references: _, ...scalar } of columns) this.addColumn(table, scalar, primaryKey ? false : undefined);
    for (const column of columns)
      if (column.references)
        this.addRelation(table, [column.name], column.references, column.nullable !== false && !column.primaryKey);
    if (primaryKey) {
      const current = this.model(table)!;
      this.appendBlockAttribute(
        current,
        `@@id([${primaryKey.map((column) => this.fieldName(table, column)).join(', ')}])`,
      );
    }
    // One blank line between the fields and the block attributes, as prisma format leaves it.
    const created = this.model(table)!;
    const first = this.findLine(created, /^\s*@@/);
    if (first !== undefined && this.lines[first - 1]!.trim() !== '' && first - 1 > created.start)
      this.lines.splice(first, 0, '');
  }

  dropTable(table: string): void {
    const block = this.model(table);
    if (!block) return;
    this.removeRelationsTo(block.name);
    const current = this.model(table)!;
    this.removeLines(current.start, current.end + (this.lines[current.end + 1]?.trim() === '' ? 1 : 0));
  }

  renameTable(from: string, to: string): void {
    const block = this.model(from);
    if (!block) return;
    const mapLine = this.findLine(block, /^\s*@@map\(/);
    if (block.name === to) {
      if (mapLine !== undefined) this.lines.splice(mapLine, 1);
    } else if (mapLine !== undefined) this.lines[mapLine] = `${this.indent}@@map("${to}")`;
    else this.appendBlockAttribute(block, `@@map("${to}")`);
  }

  addColumn(table: string, column: ColumnSpec, singleKey?: false): void {
    const block = this.model(table);
    if (!block) return;
    const name = this.uniqueFieldName(block, this.mapsColumns() ? camelCase(column.name) : column.name);
    const enumName = this.enumBlock(column.type)?.name;
    const mapped = enumName ? { type: enumName, native: undefined } : prismaType(column.type, this.engine);
    const list = mapped.type.endsWith('[]');
    const optional = column.nullable !== false && !column.primaryKey && !list ? '?' : '';
    const attributes: string[] = [];
    if (column.primaryKey && singleKey !== false) attributes.push('@id');
    if (column.unique) attributes.push('@unique');
    const autoincrement =
      column.generated !== undefined || /^(big|small)?serial$|^serial[248]$/i.test(column.type.trim());
    const defaultValue = autoincrement
      ? '@default(autoincrement())'
      : column.default !== undefined
        ? prismaDefault(column.default, mapped.type, enumName !== undefined)
        : undefined;
    if (defaultValue) attributes.push(defaultValue);
    if (name !== column.name) attributes.push(`@map("${column.name}")`);
    if (mapped.native) attributes.push(mapped.native);
    this.insertInModel(block, [name, `${mapped.type}${optional}`, ...attributes].join(' '));
    if (column.references) this.addRelation(table, [column.name], column.references, optional === '?');
  }

  dropColumn(table: string, column: string): void {
    const block = this.model(table);
    const field = block && this.field(block, column);
    if (!block || !field) return;
    for (const relation of this.fields(block).filter((candidate) =>
      new RegExp(`fields:\\s*\\[[^\\]]*\\b${field.name}\\b`).test(candidate.attributes),
    )) {
      this.removeBackRelation(relation.type.replace(/[?[\]]/g, ''), block.name);
    }
    const current = this.model(table)!;
    const lines = this.fields(current)
      .filter(
        (candidate) =>
          candidate.name === field.name ||
          new RegExp(`fields:\\s*\\[[^\\]]*\\b${field.name}\\b`).test(candidate.attributes),
      )
      .map((candidate) => candidate.index);
    for (let index = current.end - 1; index > current.start; index--) {
      if (new RegExp(`^\\s*@@(index|unique|id)\\(\\s*\\[[^\\]]*\\b${field.name}\\b`).test(this.lines[index]!))
        lines.push(index);
    }
    for (const index of lines.sort((a, b) => b - a)) this.lines.splice(index, 1);
  }

  /** The Prisma way to rename a column without touching the database: the field takes the new name, @map keeps the column. */
  renameField(table: string, from: string, to: string): void {
    const block = this.model(table);
    const field = block && this.field(block, from);
    if (!block || !field) return;
    const hasMap = /@map\(/.test(field.attributes);
    const attributes = hasMap ? field.attributes : `${field.attributes} @map("${from}")`.trim();
    this.lines[field.index] = `${this.indent}${[to, field.type, attributes].filter(Boolean).join(' ')}`;
    const rename = new RegExp(`(?<=[\\[,]\\s*)${field.name}(?=\\s*[,\\]])`, 'g');
    for (let index = block.start + 1; index < block.end; index++) {
      const line = this.lines[index]!;
      if (/^\s*@@(index|unique|id)\(/.test(line) || /@relation\([^)]*fields:/.test(line)) {
        this.lines[index] = line.replace(/(\[[^\]]*\])/, (list) => list.replace(rename, to));
        if (/@relation\(/.test(line) && index !== field.index)
          this.lines[index] = this.lines[index]!.replace(/fields:\s*\[[^\]]*\]/, (list) => list.replace(rename, to));
      }
    }
    // Relations in other models that reference this field by name.
    for (const other of this.blocks().filter((candidate) => candidate.kind === 'model')) {
      for (const relation of this.fields(other)) {
        if (relation.type.replace(/[?[\]]/g, '') !== block.name || !/references:/.test(relation.attributes)) continue;
        this.lines[relation.index] = this.lines[relation.index]!.replace(/references:\s*\[[^\]]*\]/, (list) =>
          list.replace(rename, to),
        );
      }
    }
  }

  alterColumn(
    table: string,
    column: string,
    change: { type?: string; nullable?: boolean; default?: string | null },
  ): void {
    const block = this.model(table);
    const field = block && this.field(block, column);
    if (!block || !field) return;
    let type = field.type;
    let attributes = field.attributes;
    if (change.type !== undefined) {
      const enumName = this.enumBlock(change.type)?.name;
      const mapped = enumName ? { type: enumName, native: undefined } : prismaType(change.type, this.engine);
      type = `${mapped.type}${type.endsWith('?') ? '?' : ''}`;
      attributes = attributes.replace(/\s*@db\.\w+(\([^)]*\))?/, '');
      if (mapped.native) attributes = `${attributes} ${mapped.native}`.trim();
    }
    if (change.nullable !== undefined) type = change.nullable ? `${type.replace(/\?$/, '')}?` : type.replace(/\?$/, '');
    if (change.default !== undefined) {
      attributes = removeAttribute(attributes, '@default');
      if (change.default !== null) {
        const rendered = prismaDefault(
          change.default,
          type.replace(/\?$/, ''),
          this.enumBlock(type.replace(/\?$/, '')) !== undefined,
        );
        attributes = `${attributes} ${rendered}`.trim();
      }
    }
    this.lines[field.index] = `${this.indent}${[field.name, type, attributes].filter(Boolean).join(' ')}`;
  }

  addIndex(table: string, columns: string[], name: string, unique: boolean, using?: string): void {
    const block = this.model(table);
    if (!block) return;
    const fields = columns.map((column) => this.fieldName(table, column));
    const fallback = `${table}_${columns.join('_')}_${unique ? 'key' : 'idx'}`;
    const options = [
      ...(name !== fallback ? [`map: "${name}"`] : []),
      ...(using && using.toLowerCase() !== 'btree' ? [`type: ${indexType(using)}`] : []),
    ];
    if (this.indexLine(block, name) !== undefined) return;
    const single = columns.length === 1 ? this.field(block, columns[0]!) : undefined;
    if (unique && single && /@unique\b/.test(single.attributes) && name === fallback) return;
    this.appendBlockAttribute(
      block,
      `${unique ? '@@unique' : '@@index'}([${fields.join(', ')}]${options.map((option) => `, ${option}`).join('')})`,
    );
  }

  dropIndex(name: string, table?: string): void {
    for (const block of this.blocks().filter((candidate) => candidate.kind === 'model')) {
      if (table && this.tableOf(block) !== table) continue;
      const index = this.indexLine(block, name);
      if (index !== undefined) {
        this.lines.splice(index, 1);
        return;
      }
      const field = this.fields(block).find(
        (candidate) =>
          /@unique\b/.test(candidate.attributes) && `${this.tableOf(block)}_${this.columnOf(candidate)}_key` === name,
      );
      if (field) {
        this.lines[field.index] = this.lines[field.index]!.replace(/\s*@unique(\([^)]*\))?/, '');
        return;
      }
    }
  }

  /** The line of the @@index / @@unique whose database name is `name`. */
  private indexLine(block: Block, name: string): number | undefined {
    const table = this.tableOf(block);
    const columnsOf = (list: string) =>
      list
        .split(',')
        .map((item) => item.trim().replace(/\(.*$/, ''))
        .filter(Boolean)
        .map((fieldName) => {
          const field = this.fields(block).find((candidate) => candidate.name === fieldName);
          return field ? this.columnOf(field) : fieldName;
        });
    for (let index = block.start + 1; index < block.end; index++) {
      const match = /^\s*@@(index|unique)\(\s*(?:fields:\s*)?\[([^\]]*)\]([^)]*)\)/.exec(this.lines[index]!);
      if (!match) continue;
      const mapped = /map:\s*"([^"]+)"/.exec(match[3]!)?.[1];
      const fallback = `${table}_${columnsOf(match[2]!).join('_')}_${match[1] === 'unique' ? 'key' : 'idx'}`;
      if ((mapped ?? fallback) === name) return index;
    }
    return undefined;
  }

  /** A relation field on the referencing model and its list field on the referenced one. */
  addRelation(table: string, columns: string[], reference: Reference, nullable?: boolean, name?: string): void {
    const block = this.model(table);
    const target = this.model(reference.table);
    if (!block || !target) return;
    // An existing column (add_foreign_key) is optional when any of its fields is.
    const optional = nullable ?? columns.some((column) => this.field(block, column)?.type.endsWith('?') ?? false);
    const fields = columns.map((column) => this.fieldName(table, column));
    const references = (reference.columns ?? ['id']).map((column) => this.fieldName(reference.table, column));
    const single = columns.length === 1 ? columns[0]!.replace(/_?(id|Id|ID)$/, '') : '';
    // userId → user; a column without an id suffix (approvedBy) → approvedByUser.
    const wanted =
      single && single !== columns[0]
        ? single
        : columns.length === 1
          ? `${columns[0]}${target.name}`
          : target.name[0]!.toLowerCase() + target.name.slice(1);
    const relationName = this.uniqueFieldName(block, wanted);
    // A second relation between the same two models needs a name on both sides.
    const ambiguous =
      this.fields(block).some((field) => field.type.replace(/[?[\]]/g, '') === target.name) ||
      this.fields(target).some((field) => field.type.replace(/[?[\]]/g, '') === block.name);
    const label = ambiguous ? `"${block.name}_${fields.join('_')}"` : undefined;
    const onDelete = ACTIONS[reference.onDelete ?? 'no action'];
    const onUpdate = ACTIONS[reference.onUpdate ?? 'no action'];
    const fallback = `${table}_${columns.join('_')}_fkey`;
    const args = [
      ...(label ? [label] : []),
      `fields: [${fields.join(', ')}]`,
      `references: [${references.join(', ')}]`,
      // Prisma's implicit actions (Restrict / SetNull, Cascade on update) differ from SQL's NO ACTION: say them.
      ...(onDelete !== (optional ? 'SetNull' : 'Restrict') ? [`onDelete: ${onDelete}`] : []),
      ...(onUpdate !== 'Cascade' ? [`onUpdate: ${onUpdate}`] : []),
      ...(name && name !== fallback ? [`map: "${name}"`] : []),
    ];
    this.insertInModel(block, `${relationName} ${target.name}${optional ? '?' : ''} @relation(${args.join(', ')})`);
    const refreshed = this.model(reference.table)!;
    const plural = `${block.name[0]!.toLowerCase()}${block.name.slice(1)}${/s$/.test(block.name) ? '' : 's'}`;
    // The list side of a second relation says which one it is: paymentsAsApprovedByUser.
    const back = this.uniqueFieldName(
      refreshed,
      label ? `${plural}As${relationName[0]!.toUpperCase()}${relationName.slice(1)}` : plural,
    );
    this.insertInModel(refreshed, `${back} ${block.name}[]${label ? ` @relation(${label})` : ''}`);
  }

  /** A foreign key dropped by name: its relation field and the back relation go. */
  dropConstraint(table: string, name: string): void {
    const block = this.model(table);
    if (!block) return;
    for (const field of this.fields(block)) {
      const fields = /fields:\s*\[([^\]]*)\]/.exec(field.attributes)?.[1];
      if (!fields) continue;
      const columns = fields.split(',').map((item) => {
        const scalar = this.fields(block).find((candidate) => candidate.name === item.trim());
        return scalar ? this.columnOf(scalar) : item.trim();
      });
      const constraint = /map:\s*"([^"]+)"/.exec(field.attributes)?.[1] ?? `${table}_${columns.join('_')}_fkey`;
      if (constraint !== name) continue;
      this.removeBackRelation(field.type.replace(/[?[\]]/g, ''), block.name);
      const current = this.model(table)!;
      const line = this.fields(current).find((candidate) => candidate.name === field.name);
      if (line) this.lines.splice(line.index, 1);
      return;
    }
    this.dropIndex(name, table);
  }

  createEnum(name: string, values: string[]): void {
    const valid = /^[A-Za-z][A-Za-z0-9_]*$/;
    const enumName = valid.test(name) ? name : `E${name.replace(/\W+/g, '_')}`;
    this.appendBlock([
      `enum ${enumName} {`,
      ...values.map((value, index) =>
        valid.test(value) ? `${this.indent}${value}` : `${this.indent}value_${index} @map("${value}")`,
      ),
      ...(enumName !== name ? [`${this.indent}@@map("${name}")`] : []),
      '}',
    ]);
  }

  addEnumValue(name: string, value: string, before?: string, after?: string): void {
    const block = this.enumBlock(name);
    if (!block) return;
    const line = /^[A-Za-z][A-Za-z0-9_]*$/.test(value) ? value : `value_${block.end - block.start} @map("${value}")`;
    const position = (wanted: string | undefined) =>
      wanted === undefined ? undefined : this.findLine(block, new RegExp(`^\\s*${wanted}\\b|@map\\("${wanted}"\\)`));
    const at = position(before) ?? (position(after) ?? block.end - 1) + 1;
    this.lines.splice(at, 0, `${this.indent}${line}`);
  }

  dropEnum(name: string): void {
    const block = this.enumBlock(name);
    if (block) this.removeLines(block.start, block.end + (this.lines[block.end + 1]?.trim() === '' ? 1 : 0));
  }

  /** Aligns the fields of every model this edit changed in columns, as `prisma format` does. */
  alignChanged(original: string): void {
    for (const block of this.blocks()) {
      if (block.kind !== 'model' || original.includes(this.lines.slice(block.start, block.end + 1).join('\n')))
        continue;
      const fields = this.fields(block);
      let run: FieldLine[] = [];
      const flush = () => {
        const name = Math.max(...run.map((field) => field.name.length));
        const type = Math.max(...run.map((field) => field.type.length));
        for (const field of run)
          this.lines[field.index] =
            `${this.indent}${field.name.padEnd(name)} ${field.type.padEnd(type)} ${field.attributes}`.trimEnd();
        run = [];
      };
      for (const field of fields) {
        if (run.length > 0 && run.at(-1)!.index !== field.index - 1) flush();
        run.push(field);
      }
      if (run.length > 0) flush();
    }
  }

  private findLine(block: Block, pattern: RegExp): number | undefined {
    for (let index = block.start + 1; index < block.end; index++) if (pattern.test(this.lines[index]!)) return index;
    return undefined;
  }

  private removeLines(from: number, to: number): void {
    this.lines.splice(from, to - from + 1);
  }

  private removeBackRelation(targetModel: string, fromModel: string): void {
    const target = this.blocks().find((block) => block.kind === 'model' && block.name === targetModel);
    if (!target) return;
    const back = this.fields(target).find((field) => field.type.replace(/[?[\]]/g, '') === fromModel);
    if (back) this.lines.splice(back.index, 1);
  }

  /** Every relation field pointing at `model` in other models (the model is going away). */
  private removeRelationsTo(model: string): void {
    for (;;) {
      const block = this.blocks().find(
        (candidate) =>
          candidate.kind === 'model' &&
          candidate.name !== model &&
          this.fields(candidate).some((field) => field.type.replace(/[?[\]]/g, '') === model),
      );
      if (!block) return;
      const field = this.fields(block).find((candidate) => candidate.type.replace(/[?[\]]/g, '') === model)!;
      this.lines.splice(field.index, 1);
    }
  }
}

function camelCase(name: string): string {
  const camel = name.replace(/[_\W]+([a-zA-Z0-9])/g, (_match, letter: string) => letter.toUpperCase());
  return /^[A-Za-z]/.test(camel) ? camel : `f${camel}`;
}

function removeAttribute(attributes: string, name: string): string {
  const start = attributes.indexOf(`${name}(`);
  if (start === -1) return attributes;
  let depth = 0;
  let end = start + name.length;
  for (; end < attributes.length; end++) {
    if (attributes[end] === '(') depth++;
    if (attributes[end] === ')' && --depth === 0) break;
  }
  return `${attributes.slice(0, start)}${attributes.slice(end + 1)}`.replace(/\s{2,}/g, ' ').trim();
}

function indexType(using: string): string {
  const types: Record<string, string> = { gin: 'Gin', gist: 'Gist', brin: 'Brin', hash: 'Hash', spgist: 'SpGist' };
  return types[using.toLowerCase()] ?? using;
}

interface PrismaType {
  type: string;
  /** The `@db.` attribute when the scalar's default column type is not the SQL type asked for. */
  native: string | undefined;
}

/** The Prisma scalar (and native type) whose column is the given SQL type, per engine; Unsupported("…") otherwise. */
export function prismaType(sqlType: string, engine: Engine): PrismaType {
  const raw = sqlType.trim();
  const array = /\[\]$/.test(raw);
  const base = raw.replace(/\[\]$/, '');
  const lower = base.toLowerCase().replace(/\s+/g, ' ');
  const args = /\(([^)]*)\)/.exec(base)?.[1]?.replace(/\s+/g, '').replace(/,/g, ', ');
  const name = lower.replace(/\s*\(.*\)/, '');
  const at = (native: string, withArgs = true) => `@db.${native}${withArgs && args ? `(${args})` : ''}`;
  const found = (type: string, native?: string): PrismaType => ({ type: array ? `${type}[]` : type, native });
  if (engine === 'postgresql' || engine === 'cockroachdb') {
    switch (name) {
      case 'text':
        return found('String');
      case 'varchar':
      case 'character varying':
        return found('String', at('VarChar'));
      case 'char':
      case 'character':
        return found('String', at('Char'));
      case 'uuid':
        return found('String', '@db.Uuid');
      case 'citext':
      case 'inet':
      case 'xml':
        return found('String', `@db.${name[0]!.toUpperCase()}${name.slice(1)}`);
      case 'integer':
      case 'int':
      case 'int4':
      case 'serial':
      case 'serial4':
        return found('Int');
      case 'smallint':
      case 'int2':
      case 'smallserial':
        return found('Int', '@db.SmallInt');
      case 'bigint':
      case 'int8':
      case 'bigserial':
      case 'serial8':
        return found('BigInt');
      case 'boolean':
      case 'bool':
        return found('Boolean');
      case 'double precision':
      case 'float8':
        return found('Float');
      case 'real':
      case 'float4':
        return found('Float', '@db.Real');
      case 'numeric':
      case 'decimal':
        return found('Decimal', at('Decimal'));
      case 'timestamp':
      case 'timestamp without time zone':
        return found('DateTime', at('Timestamp'));
      case 'timestamptz':
      case 'timestamp with time zone':
        return found('DateTime', at('Timestamptz'));
      case 'date':
        return found('DateTime', '@db.Date');
      case 'time':
      case 'time without time zone':
        return found('DateTime', at('Time'));
      case 'jsonb':
        return found('Json');
      case 'json':
        return found('Json', '@db.Json');
      case 'bytea':
        return found('Bytes');
      default:
        return found(`Unsupported("${raw}")`);
    }
  }
  if (engine === 'mysql' || engine === 'mariadb') {
    switch (name) {
      case 'varchar':
        return found('String', at('VarChar'));
      case 'char':
        return found('String', at('Char'));
      case 'text':
        return found('String', '@db.Text');
      case 'longtext':
        return found('String', '@db.LongText');
      case 'int':
      case 'integer':
        return found('Int');
      case 'bigint':
        return found('BigInt');
      case 'smallint':
        return found('Int', '@db.SmallInt');
      case 'boolean':
      case 'bool':
        return found('Boolean');
      case 'tinyint':
        return args === '1' ? found('Boolean') : found('Int', '@db.TinyInt');
      case 'double':
        return found('Float');
      case 'decimal':
      case 'numeric':
        return found('Decimal', at('Decimal'));
      case 'datetime':
        return found('DateTime', at('DateTime'));
      case 'timestamp':
        return found('DateTime', at('Timestamp'));
      case 'date':
        return found('DateTime', '@db.Date');
      case 'json':
        return found('Json');
      default:
        return found(`Unsupported("${raw}")`);
    }
  }
  const sqlite: Record<string, string> = {
    text: 'String',
    integer: 'Int',
    int: 'Int',
    bigint: 'BigInt',
    real: 'Float',
    decimal: 'Decimal',
    numeric: 'Decimal',
    datetime: 'DateTime',
    boolean: 'Boolean',
    blob: 'Bytes',
    jsonb: 'Json',
  };
  return found(sqlite[name] ?? `Unsupported("${raw}")`);
}

/** `@default(…)` for an SQL default expression: literals and now() the Prisma way, anything else dbgenerated(). */
export function prismaDefault(sql: string, type: string, isEnum: boolean): string {
  const text = sql.trim();
  const literal = /^'((?:[^']|'')*)'(?:::[\w\s"]+)?$/.exec(text);
  if (/^-?\d+(\.\d+)?$/.test(text) && /^(Int|BigInt|Float|Decimal)/.test(type)) return `@default(${text})`;
  if (/^(true|false)$/i.test(text) && type.startsWith('Boolean')) return `@default(${text.toLowerCase()})`;
  if (/^(now\(\)|current_timestamp(\(\))?)$/i.test(text) && type.startsWith('DateTime')) return '@default(now())';
  if (literal && isEnum && /^[A-Za-z][A-Za-z0-9_]*$/.test(literal[1]!)) return `@default(${literal[1]})`;
  if (literal && type.startsWith('String')) return `@default(${JSON.stringify(literal[1]!.replace(/''/g, "'"))})`;
  return `@default(dbgenerated(${JSON.stringify(text)}))`;
}
