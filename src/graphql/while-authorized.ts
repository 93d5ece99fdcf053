import { unauthorized } from '../platform/errors.ts';
import { valuesOrTicks } from '../platform/events.ts';

const RECHECK_MS = 5_000;

/**
 * A subscription that ends with UNAUTHORIZED once its API key is revoked (checked every few seconds):
 * a key is checked when the subscription starts, and a revoked key must not go on receiving a
 * command's changes for the hours it may run. return() reaches the source at once, as endingWith's.
 */
export function whileAuthorized<T>(source: AsyncGenerator<T>, stillAuthorized: () => Promise<boolean>, everyMs = RECHECK_MS): AsyncGenerator<T> {
  const checked = (async function* (): AsyncGenerator<T> {
    // The values of a watcher are never null (a file, a command): null is a tick.
    for await (const value of valuesOrTicks(source, everyMs)) {
      if (value !== null) {
        yield value;
      } else if (!(await stillAuthorized())) {
        await source.return(undefined);
        throw unauthorized();
      }
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
