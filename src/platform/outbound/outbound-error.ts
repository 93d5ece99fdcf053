export type OutboundErrorStatus =
  | 'FORBIDDEN_ADDRESS'
  | 'UNREACHABLE_INPUT_FILE'
  | 'FILE_TOO_LARGE'
  | 'DOWNLOAD_TIMEOUT'
  | 'TOO_MANY_REDIRECTS'
  | 'BAD_URL';

/** Every failure of request()/download(), including errors emitted later on the body stream. */
export class OutboundError extends Error {
  constructor(
    readonly status: OutboundErrorStatus,
    message: string,
    readonly retryable: boolean,
    options?: ErrorOptions,
  ) {
    super(message, options);
    this.name = 'OutboundError';
  }
}

export const isRetryableStatus = (status: number) => status >= 500 || status === 429 || status === 408;

export function toOutboundError(err: unknown, host: string): OutboundError {
  if (err instanceof OutboundError) return err;
  const code = String((err as NodeJS.ErrnoException | undefined)?.code ?? '');
  // A missing host, a bad certificate or a malformed answer will not fix itself on retry;
  // resets, refusals and premature closes may.
  const permanent = code === 'ENOTFOUND' || /CERT|ERR_TLS|SIGNATURE|^HPE_/.test(code);
  const reason = err instanceof Error ? err.message : String(err);
  return new OutboundError('UNREACHABLE_INPUT_FILE', `Could not fetch from ${host}: ${reason}`, !permanent, {
    cause: err,
  });
}
