import { unauthorized } from '../platform/errors.ts';

const RECHECK_MS = 5_000;

/**
 * A subscription that ends with UNAUTHORIZED once its API key is revoked (checked every few seconds):
 * a key is checked when the subscription starts, and a revoked key must not go on receiving a
 * command's changes for the hours it may run. return() reaches the source at once, as endingWith's.
 */
export function whileAuthorized<T>(source: AsyncGenerator<T>, stillAuthorized: () => Promise<boolean>, everyMs = RECHECK_MS): AsyncGenerator<T> {
  const checked = (async function* (): AsyncGenerator<T> {
    let pending: Promise<IteratorResult<T>> | undefined;
    for (;;) {
      pending ??= source.next();
      let timer: NodeJS.Timeout | undefined;
      const tick = new Promise<'tick'>((resolve) => (timer = setTimeout(() => resolve('tick'), everyMs)));
      const result = await Promise.race([pending, tick]);
      clearTimeout(timer);
      if (result === 'tick') {
        if (await stillAuthorized()) continue;
        await source.return(undefined);
        throw unauthorized();
      }
      pending = undefined;
      if (result.done) return;
      yield result.value;
    }
  })();
  return {
    next: () => checked.next(),
    async return(value) {
      await source.return(value);
      return checked.return(value);
    },
    async throw(err) {
      await source.return(undefined);
      return checked.throw(err);
    },
    [Symbol.asyncIterator]() {
      return this;
    },
  };
}
