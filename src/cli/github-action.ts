import type { CliCommand } from './command.js';

const HELP = `Usage: db-migration-agent github-action

The entry point of the GitHub Action (action.yml at the root of this package). Reads the workflow's event payload
(GITHUB_EVENT_PATH): the migrations a pull request changes (base...head; a push: before...after) are checked once
into workflow annotations (the log), a SARIF file (INPUT_SARIF) and a Markdown report posted as the pull request's
one comment, found again by a hidden marker and updated in place (GITHUB_TOKEN, GITHUB_REPOSITORY,
GITHUB_API_URL). Inputs: INPUT_FAIL_ON (error|warning|info), INPUT_PATHS (instead of the changed migrations),
INPUT_COMMENT (false: no comment), INPUT_EXECUTE (true: compile code migrations in the sandbox),
INPUT_WORKING_DIRECTORY. Outputs (GITHUB_OUTPUT): verdict, risk, sarif.

Exit codes: as check — 0 pass, 1 findings at or above fail-on, 2 something could not be checked.`;

export const githubActionCommand: CliCommand = {
  help: HELP,
  async run(_args, io) {
    const { runGithubAction } = await import('../ci/github-action.js');
    return runGithubAction({ env: io.env, stdout: io.stdout, stderr: io.stderr });
  },
};
