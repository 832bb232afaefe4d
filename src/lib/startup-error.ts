// Errors that stop the process at start-up with one line telling the operator what to do.
export class StartupError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'StartupError';
  }
}
export class ConfigError extends StartupError {}
