export interface CliIO {
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WritableStream;
  stdin: NodeJS.ReadableStream;
  cwd: string;
  env: NodeJS.ProcessEnv;
}

/** A CLI command's module: its help text and the function that runs it. */
export interface CliCommand {
  /** Full help: usage line, options, examples; a function when it needs modules the command's start should not load. */
  help: string | (() => Promise<string>);
  /** Returns the process exit code. */
  run(args: string[], io: CliIO): Promise<number>;
}

/** A CLI command as the usage lists it: its name, one-line summary, and its module, loaded when it is used. */
export interface CliCommandEntry {
  name: string;
  summary: string;
  load(): Promise<CliCommand>;
}
