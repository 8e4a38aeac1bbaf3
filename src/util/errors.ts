/**
 * A mistake in what the user gave us (a file, a flag, a field). The CLI prints its message as
 * one line and exits 2; it never becomes a stack trace.
 */
export class UserError extends Error {
  override readonly name = 'UserError';
  constructor(
    message: string,
    readonly exitCode: number = 2,
  ) {
    super(message);
  }
}

export const isUserError = (e: unknown): e is UserError => e instanceof UserError;
