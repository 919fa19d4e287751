/** SQLite quotes identifiers as standard SQL does, exactly like PostgreSQL: `"name"`, embedded quotes doubled. */
export { quoteIdentifier } from '../postgresql/identifiers.js';
