import { FORMAT_MODULES, FORMAT_READERS } from './registry.js';

/**
 * The format lists help texts, tool descriptions and messages print, taken from the registry so that adding a
 * format module updates every one of them.
 */
export const FORMAT_LABELS = FORMAT_MODULES.map((module) => module.label).join(', ');

/** Formats list_migrations, check and rehearse read, by their labels. */
export const READ_FORMAT_LABELS = FORMAT_READERS.map((reader) => reader.label).join(', ');

/** Formats whose migrations are code: their SQL is produced only when project code may run. */
export const CODE_FORMAT_LABELS = FORMAT_READERS.filter((reader) => reader.codeMigrations)
  .map((reader) => reader.label)
  .join(', ');

/** Tools detect_setup lists but whose migrations are not read yet. */
export const SCAN_ONLY_LABELS = FORMAT_MODULES.filter((module) => !FORMAT_READERS.includes(module as never))
  .map((module) => module.label)
  .join(', ');
