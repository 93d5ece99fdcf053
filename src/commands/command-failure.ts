/** A command that ends FAILED with a stable error_status and a message for the client. */
export class CommandFailure extends Error {
  constructor(
    readonly status: string,
    message: string,
  ) {
    super(message);
    this.name = 'CommandFailure';
  }
}
