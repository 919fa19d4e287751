/** A CLI command: its name, one-line summary, help text and the function that runs it. */
export interface CliIO {
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WritableStream;
  stdin: NodeJS.ReadableStream;
  cwd: string;
  env: NodeJS.ProcessEnv;
}

export interface CliCommand {
  name: string;
  summary: string;
  /** Full help: usage line, options, examples; a function when it needs modules the command's start should not load. */
  help: string | (() => Promise<string>);
  /** Returns the process exit code. */
  run(args: string[], io: CliIO): Promise<number>;
}
