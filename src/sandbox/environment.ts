/**
 * The environment project code sees: an allow-list, never the caller's environment minus a deny-list, so no
 * database URL (DATABASE_URL, PG*, MYSQL_*), token or cloud credential (AWS_*, GITHUB_TOKEN, …) can leak in.
 * NODE_OPTIONS is dropped too: it could load code or lift the sandbox's limits.
 */
const KEPT = ['PATH', 'LANG', 'LC_ALL', 'TZ', 'NODE_ENV'] as const;

export function scrubbedEnvironment(source: NodeJS.ProcessEnv = process.env): Record<string, string> {
  const environment: Record<string, string> = {};
  for (const name of KEPT) {
    const value = source[name];
    if (value !== undefined) environment[name] = value;
  }
  environment.HOME = '/nonexistent';
  return environment;
}

/**
 * For the project's Python (alembic --sql, manage.py sqlmigrate): the same allow-list plus what Python needs to
 * find the project's packages. The rest of Python's sandbox is python-run.ts (audit hook, namespace, limits).
 */
export function pythonEnvironment(source: NodeJS.ProcessEnv = process.env): Record<string, string> {
  const environment = scrubbedEnvironment(source);
  for (const name of ['HOME', 'VIRTUAL_ENV', 'PYTHONPATH', 'PYTHONHOME', 'DJANGO_SETTINGS_MODULE']) {
    const value = source[name];
    if (value !== undefined) environment[name] = value;
  }
  return environment;
}
