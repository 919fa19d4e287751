import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { COMMENT_MARKER, commentBody } from '../../src/ci/github-comment.js';
import {
  DROP_COLUMN_MIGRATION,
  type GitProject,
  GOLANG_MIGRATE_BASE,
  gitProject,
  SAFE_MIGRATION,
} from '../helpers/git-project.js';

/**
 * The GitHub Action's entry (`db-migration-agent github-action`, what action.yml runs) spawned from the built CLI
 * against real git repositories with a pull_request event payload, and a local HTTP server standing in for the
 * GitHub API (GITHUB_API_URL), which records the comments.
 */

const REPO = path.resolve(import.meta.dirname, '../..');
const BIN = path.join(REPO, 'dist/bundle/bin.js');

interface StoredComment {
  id: number;
  body: string;
}

/** The issue-comments endpoints of the GitHub REST API, in memory; a 403 on write when `readOnly`. */
class FakeGithub {
  comments: StoredComment[] = [{ id: 1, body: 'LGTM from a human' }];
  requests: string[] = [];
  readOnly = false;
  private server: Server | undefined;
  private nextId = 100;

  async start(): Promise<string> {
    const server = createServer(async (request, response) => {
      const body = await readBody(request);
      this.requests.push(`${request.method} ${request.url}`);
      const send = (status: number, json: unknown) => {
        response.writeHead(status, { 'content-type': 'application/json' });
        response.end(JSON.stringify(json));
      };
      if (request.headers.authorization !== 'Bearer test-token') return send(401, { message: 'Bad credentials' });
      const url = new URL(request.url ?? '/', 'http://localhost');
      if (request.method === 'GET' && url.pathname === '/repos/acme/shop/issues/7/comments') {
        const page = Number(url.searchParams.get('page') ?? 1);
        const size = Number(url.searchParams.get('per_page') ?? 30);
        return send(200, this.comments.slice((page - 1) * size, page * size));
      }
      if (this.readOnly) return send(403, { message: 'Resource not accessible by integration' });
      if (request.method === 'POST' && url.pathname === '/repos/acme/shop/issues/7/comments') {
        const comment = { id: this.nextId++, body: (JSON.parse(body) as { body: string }).body };
        this.comments.push(comment);
        return send(201, comment);
      }
      const patch = /^\/repos\/acme\/shop\/issues\/comments\/(\d+)$/.exec(url.pathname);
      const target = patch ? this.comments.find((comment) => comment.id === Number(patch[1])) : undefined;
      if (request.method === 'PATCH' && target) {
        target.body = (JSON.parse(body) as { body: string }).body;
        return send(200, target);
      }
      send(404, { message: 'Not Found' });
    });
    this.server = server;
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  }

  async stop(): Promise<void> {
    await new Promise((resolve) => this.server?.close(resolve));
  }

  ours(): StoredComment[] {
    return this.comments.filter((comment) => comment.body.includes(COMMENT_MARKER));
  }
}

async function readBody(request: IncomingMessage): Promise<string> {
  let text = '';
  for await (const chunk of request) text += chunk;
  return text;
}

/** A repository whose `feature` branch adds `files` on top of main; the pull_request payload naming both. */
/** `under`: the project sits in that folder of the repository (the action's working-directory). */
function pullRequest(files: Record<string, string>, under = ''): { project: GitProject; event: string } {
  const inside = (given: Record<string, string>) =>
    Object.fromEntries(Object.entries(given).map(([file, text]) => [`${under}${file}`, text]));
  const project = gitProject(inside(GOLANG_MIGRATE_BASE), 'dma-action-');
  project.git('add', '-A');
  project.git('commit', '-q', '-m', 'users');
  const base = project.git('rev-parse', 'HEAD').trim();
  project.git('checkout', '-q', '-b', 'feature');
  project.write(inside({ ...files, 'src/app.go': 'package main\n' }));
  project.git('add', '-A');
  project.git('commit', '-q', '-m', 'change');
  const head = project.git('rev-parse', 'HEAD').trim();
  const event = path.join(mkdtempSync(path.join(tmpdir(), 'dma-event-')), 'event.json');
  writeFileSync(
    event,
    JSON.stringify({
      action: 'synchronize',
      number: 7,
      pull_request: { number: 7, base: { sha: base }, head: { sha: head } },
    }),
  );
  return { project, event };
}

function runAction(
  project: GitProject,
  env: Record<string, string>,
): Promise<{ code: number | null; stdout: string; stderr: string; outputs: string }> {
  const outputs = path.join(mkdtempSync(path.join(tmpdir(), 'dma-output-')), 'output');
  writeFileSync(outputs, '');
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [BIN, 'github-action'], {
      cwd: project.root,
      env: {
        PATH: process.env.PATH,
        GITHUB_WORKSPACE: project.root,
        GITHUB_REPOSITORY: 'acme/shop',
        GITHUB_EVENT_NAME: 'pull_request',
        GITHUB_TOKEN: 'test-token',
        GITHUB_OUTPUT: outputs,
        INPUT_SARIF: 'db-migration-agent.sarif',
        ...env,
      },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk) => {
      stdout += chunk;
    });
    child.stderr.on('data', (chunk) => {
      stderr += chunk;
    });
    child.on('close', (code) => resolve({ code, stdout, stderr, outputs: readFileSync(outputs, 'utf8') }));
  });
}

describe.skipIf(!existsSync(BIN))('GitHub Action entry (github-action)', () => {
  const github = new FakeGithub();
  let api = '';
  beforeAll(async () => {
    api = await github.start();
  });
  afterAll(async () => {
    await github.stop();
  });

  it('checks the migrations the pull request changes: annotations, SARIF, one comment created then updated, exit 1', async () => {
    const { project, event } = pullRequest(DROP_COLUMN_MIGRATION);
    const first = await runAction(project, { GITHUB_EVENT_PATH: event, GITHUB_API_URL: api });
    expect(first.code, first.stderr).toBe(1);
    expect(first.stdout).toMatch(
      /^::error file=db\/migrations\/000003_drop_email\.up\.sql,line=1,.*title=drop-column/m,
    );
    expect(first.stdout).toContain('pull-request comment created');
    expect(first.outputs).toBe('verdict=fail\nrisk=HIGH\nsarif=db-migration-agent.sarif\n');
    const sarif = JSON.parse(readFileSync(path.join(project.root, 'db-migration-agent.sarif'), 'utf8')) as {
      version: string;
      runs: {
        results: { ruleId: string; locations: { physicalLocation: { artifactLocation: { uri: string } } }[] }[];
      }[];
    };
    expect(sarif.version).toBe('2.1.0');
    const files = new Set(
      sarif.runs[0]?.results.map((result) => result.locations[0]?.physicalLocation.artifactLocation.uri),
    );
    // Only what the pull request changed: not the migration main already had.
    expect([...files]).toEqual(['db/migrations/000003_drop_email.up.sql']);
    expect(sarif.runs[0]?.results.map((result) => result.ruleId)).toContain('drop-column');
    expect(github.ours()).toHaveLength(1);
    const [comment] = github.ours();
    expect(comment?.body.startsWith(`${COMMENT_MARKER}\n## Migration safety check`)).toBe(true);
    expect(comment?.body).toMatch(/\*\*Risk: HIGH\*\*/);
    expect(comment?.body).toContain('`drop-column`');
    expect(comment?.body.length).toBeLessThanOrEqual(65_536);

    const second = await runAction(project, { GITHUB_EVENT_PATH: event, GITHUB_API_URL: api });
    expect(second.code).toBe(1);
    expect(second.stdout).toContain('pull-request comment updated');
    expect(github.ours()).toHaveLength(1);
    expect(github.ours()[0]?.id).toBe(comment?.id);
    expect(github.comments[0]).toEqual({ id: 1, body: 'LGTM from a human' });
    expect(github.requests.filter((request) => request.startsWith('POST'))).toHaveLength(1);
    expect(github.requests.filter((request) => request.startsWith('PATCH'))).toHaveLength(1);
  });

  it('exits as fail-on says: 0 on a safe migration at error, 1 at warning', async () => {
    const { project, event } = pullRequest(SAFE_MIGRATION);
    const env = { GITHUB_EVENT_PATH: event, GITHUB_API_URL: api, INPUT_COMMENT: 'false' };
    const atError = await runAction(project, env);
    expect(atError.code, atError.stderr).toBe(0);
    expect(atError.outputs).toMatch(/^verdict=pass\n/);
    const atWarning = await runAction(project, { ...env, INPUT_FAIL_ON: 'warning' });
    expect(atWarning.code).toBe(1);
    expect(atWarning.stdout).toMatch(/^::warning file=db\/migrations\/000002_note\.up\.sql/m);
    const wrong = await runAction(project, { ...env, INPUT_FAIL_ON: 'fatal' });
    expect(wrong.code).toBe(2);
    expect(wrong.stderr).toMatch(/fail-on: "fatal" is not a level/);
  });

  it('says so when no migration changed, and a read-only token is a warning, not a failure', async () => {
    const { project, event } = pullRequest({ 'README.md': '# shop\n' });
    const none = await runAction(project, { GITHUB_EVENT_PATH: event, GITHUB_API_URL: api });
    expect(none.code).toBe(0);
    expect(none.stdout).toContain('touches no migration');
    expect(none.outputs).toBe('verdict=pass\nrisk=NONE\n');

    github.readOnly = true;
    try {
      const fork = pullRequest(SAFE_MIGRATION);
      const result = await runAction(fork.project, { GITHUB_EVENT_PATH: fork.event, GITHUB_API_URL: api });
      expect(result.code).toBe(0);
      expect(result.stdout).toMatch(
        /::warning title=db-migration-agent::The pull-request comment could not be posted: .*403/,
      );
    } finally {
      github.readOnly = false;
    }
  });

  it('names files from the repository top when the project is in a working-directory', async () => {
    const { project, event } = pullRequest(DROP_COLUMN_MIGRATION, 'services/api/');
    const result = await runAction(project, {
      GITHUB_EVENT_PATH: event,
      INPUT_COMMENT: 'false',
      INPUT_WORKING_DIRECTORY: 'services/api',
    });
    expect(result.code, result.stderr).toBe(1);
    expect(result.stdout).toMatch(/^::error file=services\/api\/db\/migrations\/000003_drop_email\.up\.sql,line=1,/m);
    const sarif = readFileSync(path.join(project.root, 'services/api/db-migration-agent.sarif'), 'utf8');
    expect(sarif).toContain('"uri": "services/api/db/migrations/000003_drop_email.up.sql"');
  });

  it("cuts a report longer than GitHub's 65,536-character limit, saying so, marker kept", () => {
    const body = commentBody(`## Migration safety check\n${'| 1:1 | warning | `x` | finding |\n'.repeat(5_000)}`);
    expect(body.length).toBeLessThanOrEqual(65_536);
    expect(body.startsWith(COMMENT_MARKER)).toBe(true);
    expect(body).toMatch(/The report was cut to fit a pull-request comment/);
  });

  it('action.yml runs this entry with the inputs it declares, and uploads the SARIF', () => {
    const action = parse(readFileSync(path.join(REPO, 'action.yml'), 'utf8')) as {
      inputs: Record<string, unknown>;
      runs: { using: string; steps: { run?: string; uses?: string; env?: Record<string, string> }[] };
    };
    expect(action.runs.using).toBe('composite');
    const check = action.runs.steps.find((step) => step.run?.includes('github-action'));
    expect(check?.run).toBe('node "$GITHUB_ACTION_PATH/dist/bundle/bin.js" github-action');
    for (const input of ['fail-on', 'paths', 'comment', 'sarif', 'execute', 'working-directory'])
      expect(Object.values(check?.env ?? {})).toContain(`\${{ inputs.${input} }}`);
    expect(action.runs.steps.map((step) => step.uses)).toContain('github/codeql-action/upload-sarif@v3');
  });
});
