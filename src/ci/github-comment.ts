/**
 * The pull request's one comment of ours: found again by a hidden marker in its body, updated in place, created
 * only when there is none. The API is reached with fetch at GITHUB_API_URL (GitHub Enterprise, or a local server
 * in tests).
 */

export const COMMENT_MARKER = '<!-- db-migration-agent:migration-check -->';

/** GitHub refuses a comment body over 65,536 characters. */
export const GITHUB_COMMENT_LIMIT = 65_536;

export interface GithubTarget {
  api: string;
  token: string;
  /** owner/name */
  repository: string;
  issue: number;
}

interface Comment {
  id: number;
  body?: string;
}

const PAGE_SIZE = 100;
const MAX_PAGES = 30;

export async function upsertComment(
  target: GithubTarget,
  body: string,
  onlyIfPresent = false,
): Promise<'created' | 'updated' | 'skipped'> {
  const existing = await findComment(target);
  const base = `${target.api.replace(/\/$/, '')}/repos/${target.repository}/issues`;
  if (existing) {
    await call(target, 'PATCH', `${base}/comments/${existing.id}`, { body });
    return 'updated';
  }
  if (onlyIfPresent) return 'skipped';
  await call(target, 'POST', `${base}/${target.issue}/comments`, { body });
  return 'created';
}

async function findComment(target: GithubTarget): Promise<Comment | undefined> {
  const base = `${target.api.replace(/\/$/, '')}/repos/${target.repository}/issues/${target.issue}/comments`;
  for (let page = 1; page <= MAX_PAGES; page++) {
    const comments = (await call(target, 'GET', `${base}?per_page=${PAGE_SIZE}&page=${page}`)) as Comment[];
    const ours = comments.find((comment) => comment.body?.includes(COMMENT_MARKER));
    if (ours) return ours;
    if (comments.length < PAGE_SIZE) return undefined;
  }
  return undefined;
}

async function call(target: GithubTarget, method: string, url: string, body?: unknown): Promise<unknown> {
  const response = await fetch(url, {
    method,
    headers: {
      accept: 'application/vnd.github+json',
      authorization: `Bearer ${target.token}`,
      'x-github-api-version': '2022-11-28',
      'user-agent': 'db-migration-agent',
      ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
    },
    ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
  });
  if (!response.ok)
    throw new Error(
      `${method} ${new URL(url).pathname} answered ${response.status}: ${(await response.text()).slice(0, 200)}`,
    );
  return response.status === 204 ? undefined : response.json();
}

/** The comment: marker first, the report cut to fit GitHub's limit with a line saying so. */
export function commentBody(markdown: string): string {
  const note =
    '\n\n_The report was cut to fit a pull-request comment; the SARIF upload and the job log hold all of it._\n';
  const room = GITHUB_COMMENT_LIMIT - COMMENT_MARKER.length - 1 - note.length;
  const fitted = markdown.length <= room ? markdown : `${markdown.slice(0, room)}${note}`;
  return `${COMMENT_MARKER}\n${fitted}`;
}
