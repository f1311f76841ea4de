/**
 * A problem that stops start-up and that the operator can fix (a wrong setting, a port in use, a
 * data folder that cannot be written): `npm start` prints its message as one line and exits with
 * code 2. Anything else that escapes start-up is a bug and keeps its stack.
 */
export class StartupError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'StartupError';
  }
}

/** Thrown when a setting is wrong; the message names the variable and what it accepts. */
export class ConfigError extends StartupError {
  constructor(
    readonly variable: string,
    message: string,
  ) {
    super(message);
    this.name = 'ConfigError';
  }
}
