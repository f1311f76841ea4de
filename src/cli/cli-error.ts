/** An error the CLI reports as one line on stderr, with its exit code (2: bad input or usage). */
export class CliError extends Error {
  constructor(
    message: string,
    readonly exitCode = 2,
  ) {
    super(message);
    this.name = 'CliError';
  }
}
