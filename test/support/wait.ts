/**
 * Polls probe until it returns a truthy value, and returns that value. After timeoutMs it fails,
 * naming what it waited for and the last value seen (what may be a function, for output that
 * grows meanwhile, such as a service's log).
 */
export async function until<T>(
  what: string | (() => string),
  probe: () => Promise<T> | T,
  timeoutMs = 20_000,
  intervalMs = 100,
): Promise<NonNullable<T>> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value) return value as NonNullable<T>;
    if (Date.now() > deadline) {
      const last = JSON.stringify(value)?.slice(0, 300);
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${typeof what === 'string' ? what : what()} (last: ${last})`);
    }
    await new Promise((r) => setTimeout(r, intervalMs));
  }
}
