import { posix } from 'node:path';
import { UserError } from '../../errors.js';
import { nextPrefix, prefixSeparator, timestamp14 } from '../../generate/naming.js';
import type { GeneratedFile, MigrationDraft } from '../../generate/types.js';
import { baseOf, dirOf, joinRelative } from '../../project/walk.js';
import type { FormatWriter, MigrationScan } from '../types.js';
import { hasBody, headerText, newFileAt } from './sql-write-common.js';

const FORMATTED = /^\s*--\s*liquibase\s+formatted\s+sql/i;

/** The changeSet author the project uses most recently (formatted SQL, XML or YAML/JSON), else the tool's name. */
function authorOf(texts: string[]): string {
  for (const text of [...texts].reverse()) {
    const found = [
      ...text.matchAll(
        /--\s*changeset\s+(?:"([^"]+)"|([^:\s]+)):|\bauthor\s*=\s*"([^"]+)"|"?author"?\s*:\s*"?([^"\s,]+)/gi,
      ),
    ].at(-1);
    const author = found?.slice(1).find(Boolean);
    if (author) return author;
  }
  return 'db-migration-agent';
}

/** A formatted-SQL changeSet: `--changeset`, `--comment`, the statements, one `--rollback` line per down line. */
export function formattedChangeSet(draft: MigrationDraft, author: string): string {
  // Bodies with their own semicolons end at a `/` line instead of at `;`.
  const bodies = [...draft.up, ...draft.down].some(hasBody);
  const attributes = [
    ...(draft.transactional ? [] : ['runInTransaction:false']),
    ...(bodies ? ['endDelimiter:/'] : []),
  ];
  const end = (statement: string) => (bodies ? `${statement.trim()}\n/` : `${statement.trim()};`);
  const comment = headerText(draft);
  return [
    `--changeset ${author}:${draft.name}${attributes.map((attribute) => ` ${attribute}`).join('')}`,
    ...(comment.length ? [`--comment: ${comment.join(' ')}`] : []),
    ...draft.up.map(end),
    // Nothing to undo (a backfill) is said: without a rollback, `liquibase rollback` refuses the whole changeSet.
    ...(draft.down.length
      ? draft.down.flatMap((statement) =>
          end(statement)
            .split('\n')
            .map((line) => `--rollback ${line}`.trimEnd()),
        )
      : ['--rollback empty']),
  ].join('\n');
}

interface Include {
  /** Text of the last include entry in the master changelog and where it ends. */
  text: string;
  end: number;
  file: string;
}

/** The last `include` entry of an XML, YAML or JSON master changelog (`includeAll` is not one). */
function lastInclude(master: string): Include | undefined {
  const patterns = [
    /^[ \t]*<include\b[^>]*\bfile="([^"]+)"[^>]*\/>[ \t]*$/gm,
    /^[ \t]*-[ \t]*include:[ \t]*\n(?:[ \t]+(?!-)\S.*\n?)*/gm,
    /\{\s*"include"\s*:\s*\{[^}]*"file"\s*:\s*"([^"]+)"[^}]*\}\s*\}/g,
  ];
  for (const pattern of patterns) {
    const match = [...master.matchAll(pattern)].at(-1);
    if (!match) continue;
    const text = match[0].replace(/\n$/, '');
    const file = match[1] ?? /file:\s*["']?([^"'\s]+)/.exec(text)?.[1];
    if (file) return { text, end: match.index + text.length, file };
  }
  return undefined;
}

function masterOf(folder: MigrationScan): string {
  const example = folder.conventions?.example;
  if (!example) {
    throw new UserError(
      'liquibase-master-unknown',
      `No changelog with a changeSet was found in ${folder.dir.path}, so there is no master changelog to add to.`,
      'Create the master changelog (db.changelog-master.xml) first, then generate again.',
      { file: folder.dir.path },
    );
  }
  return joinRelative(folder.dir.path, example);
}

/**
 * Liquibase: a new formatted-SQL changelog (`--liquibase formatted sql`, one changeSet with `--rollback` lines)
 * next to the newest included changelog, named in its numbering, and its include entry in the master changelog
 * when that lists files one by one. A formatted-SQL master includes nothing: the changeSet is appended to it.
 */
export const writeLiquibase: FormatWriter = (draft, folder, context) => {
  const master = masterOf(folder);
  const masterText = context.read(master) ?? '';
  const others = [...new Set(folder.migrations.map((entry) => entry.path))].filter((path) => path !== master);
  const author = authorOf([masterText, ...others.map((path) => context.read(path) ?? '')]);
  const changeSet = formattedChangeSet(draft, author);
  const include = lastInclude(masterText);
  if (FORMATTED.test(masterText) && !include) {
    return [{ path: master, text: `${masterText.replace(/\n*$/, '\n')}\n${changeSet}\n`, edit: true }];
  }

  const newest = others.at(-1);
  const prefix = nextPrefix(newest ? baseOf(newest) : undefined, context.now, timestamp14);
  const name = `${prefix}${newest ? prefixSeparator(baseOf(newest)) : '_'}${draft.name}.sql`;
  const directory = newest ? dirOf(newest) : dirOf(master);
  const path = joinRelative(directory, name);
  const files: GeneratedFile[] = [newFileAt(context, path, `--liquibase formatted sql\n\n${changeSet}\n`)];
  if (!include) return files; // includeAll (or no include at all): the folder is read as it is.

  // The new file sits beside the last included one: its entry is that entry with the file name swapped.
  const sameFolder = newest !== undefined && baseOf(include.file) === baseOf(newest);
  const fromMaster = posix.relative(dirOf(master) === '.' ? '' : dirOf(master), path);
  let entry = include.text.replace(include.file, sameFolder ? joinRelative(dirOf(include.file), name) : fromMaster);
  if (!sameFolder && !/relativeToChangelogFile/.test(entry)) {
    entry = entry.replace(/\/>$/, ' relativeToChangelogFile="true"/>');
  }
  // XML and YAML entries start their line (indentation included); a JSON one continues the array after a comma.
  const json = include.text.startsWith('{');
  const indent = json ? (/[ \t]*$/.exec(masterText.slice(0, include.end - include.text.length))?.[0] ?? '') : '';
  const added = json ? `,\n${indent}${entry}` : `\n${entry}`;
  files.push({
    path: master,
    text: masterText.slice(0, include.end) + added + masterText.slice(include.end),
    edit: true,
  });
  return files;
};
