import { randomUUID } from 'node:crypto';
import pg from 'pg';
import type { Logger } from './logger.ts';

// Status changes are announced through Postgres NOTIFY so that a subscriber on any API process
// sees a change made by a worker in any other process. Local delivery also goes through the
// database: one path, so a single-process deployment exercises the same code as a cluster.
const CHANNEL = 'ffapi_events';

export interface StatusEvent {
  topic: 'file' | 'command';
  id: string;
  status: string;
  progress?: number;
}

export interface EventSubscription extends AsyncIterableIterator<StatusEvent> {
  return(): Promise<IteratorResult<StatusEvent>>;
}

export interface EventBus {
  /** Announces an event; delivered to every process's subscribers after the caller's commit. */
  publish(event: StatusEvent): Promise<void>;
  /**
   * Listens from the moment of the call (not from the first next()), so a subscriber can subscribe,
   * then read the current state, and miss nothing in between. After a lost listener connection a
   * synthetic 'RECONNECTED' event tells subscribers to re-read, since NOTIFYs may have been missed.
   */
  subscribe(topic: StatusEvent['topic'], id: string): EventSubscription;
  /**
   * Calls fn with every event of a topic: this process's own at once (on publish, after the caller's
   * commit) and every process's through NOTIFY. Calls fn(null) when events may have been missed (the
   * listener connection was lost, or came back). Returns a function that stops the calls.
   */
  watchTopic(topic: StatusEvent['topic'], fn: (event: StatusEvent | null) => void): () => void;
  /** False while the listener connection is down: other processes' events are being missed. */
  readonly listening: boolean;
  /** Subscriptions to one object's events not yet ended (a subscriber that went away must not stay among them). */
  subscriptionsTo(topic: StatusEvent['topic'], id: string): number;
  close(): Promise<void>;
}

export async function createEventBus(databaseUrl: string, log: Logger): Promise<EventBus> {
  const listeners = new Map<string, Set<(event: StatusEvent) => void>>();
  const topicWatchers = new Set<{ topic: StatusEvent['topic']; fn: (event: StatusEvent | null) => void }>();
  const tellWatchers = (event: StatusEvent | null) => {
    for (const watcher of topicWatchers) if (!event || watcher.topic === event.topic) watcher.fn(event);
  };
  let listening = false;
  const notifier = new pg.Pool({ connectionString: databaseUrl, max: 2 });
  notifier.on('error', (err) => log.warn({ err }, 'event publisher connection lost'));
  let listener: pg.Client | undefined;
  let closed = false;

  // Watchers hear this process's own events at publish; its NOTIFY coming back must not tell them again.
  const origin = randomUUID();
  const deliver = ({ origin: from, ...event }: StatusEvent & { origin?: string }) => {
    if (from !== origin) tellWatchers(event);
    for (const fn of listeners.get(`${event.topic}:${event.id}`) ?? []) fn(event);
  };

  const connect = async (): Promise<void> => {
    // TCP keepalive: a connection that died silently (a NAT or a host gone, no RST) would otherwise
    // look alive forever, and neither subscriptions nor the file cache would hear of changes again.
    const client = new pg.Client({ connectionString: databaseUrl, keepAlive: true, keepAliveInitialDelayMillis: 10_000 });
    client.on('notification', (msg) => {
      try {
        if (msg.payload) deliver(JSON.parse(msg.payload) as StatusEvent);
      } catch (err) {
        log.warn({ err }, 'ignored a malformed event notification');
      }
    });
    client.on('error', (err) => {
      if (listener === client) {
        listening = false;
        tellWatchers(null);
      }
      log.warn({ err }, 'event listener connection lost; reconnecting');
      void client.end().catch(() => undefined);
      if (!closed) setTimeout(() => void reconnect(), 500).unref();
    });
    await client.connect();
    await client.query(`LISTEN ${CHANNEL}`);
    listener = client;
    listening = true;
  };

  const reconnect = async (delayMs = 500): Promise<void> => {
    if (closed) return;
    try {
      await connect();
      tellWatchers(null);
      for (const [key, fns] of listeners) {
        const [topic, id] = key.split(':') as [StatusEvent['topic'], string];
        for (const fn of fns) fn({ topic, id, status: 'RECONNECTED' });
      }
    } catch (err) {
      log.warn({ err }, 'event listener reconnect failed');
      setTimeout(() => void reconnect(Math.min(delayMs * 2, 10_000)), delayMs).unref();
    }
  };

  await connect();

  return {
    async publish(event) {
      tellWatchers(event);
      await notifier.query('SELECT pg_notify($1, $2)', [CHANNEL, JSON.stringify({ ...event, origin })]);
    },
    subscribe(topic, id) {
      return subscription(listeners, `${topic}:${id}`);
    },
    watchTopic(topic, fn) {
      const watcher = { topic, fn };
      topicWatchers.add(watcher);
      return () => void topicWatchers.delete(watcher);
    },
    get listening() {
      return listening;
    },
    subscriptionsTo(topic, id) {
      return listeners.get(`${topic}:${id}`)?.size ?? 0;
    },
    async close() {
      closed = true;
      listening = false;
      await listener?.end().catch(() => undefined);
      await notifier.end();
    },
  };
}

function subscription(listeners: Map<string, Set<(event: StatusEvent) => void>>, key: string): EventSubscription {
  const queued: StatusEvent[] = [];
  let wake: ((result: IteratorResult<StatusEvent>) => void) | undefined;
  let done = false;
  const push = (event: StatusEvent) => {
    if (wake) {
      const resolve = wake;
      wake = undefined;
      resolve({ value: event, done: false });
    } else if (queued.length < 1000) {
      queued.push(event);
    }
  };
  const set = listeners.get(key) ?? new Set();
  set.add(push);
  listeners.set(key, set);

  const finish = async (): Promise<IteratorResult<StatusEvent>> => {
    if (!done) {
      done = true;
      set.delete(push);
      if (set.size === 0) listeners.delete(key);
      wake?.({ value: undefined, done: true });
      wake = undefined;
    }
    return { value: undefined, done: true };
  };
  return {
    next() {
      if (queued.length) return Promise.resolve({ value: queued.shift()!, done: false });
      if (done) return Promise.resolve({ value: undefined, done: true });
      return new Promise((resolve) => (wake = resolve));
    },
    return: finish,
    [Symbol.asyncIterator]() {
      return this;
    },
  };
}

/**
 * Yields each event of a subscription, and null every `everyMs` without one: a backstop so that a
 * watcher re-reads the state even if a NOTIFY was lost. Ends when the subscription ends.
 */
export function eventsOrTicks(events: EventSubscription, everyMs: number): AsyncGenerator<StatusEvent | null> {
  return valuesOrTicks(events, everyMs);
}

/** Each value of an iterator, and null every `everyMs` without one; ends when the iterator does. */
export async function* valuesOrTicks<T>(source: AsyncIterator<T>, everyMs: number): AsyncGenerator<T | null> {
  let pending: Promise<IteratorResult<T>> | undefined;
  for (;;) {
    pending ??= source.next();
    let timer: NodeJS.Timeout | undefined;
    const tick = new Promise<'tick'>((resolve) => (timer = setTimeout(() => resolve('tick'), everyMs)));
    const result = await Promise.race([pending, tick]);
    clearTimeout(timer);
    if (result === 'tick') {
      yield null;
      continue;
    }
    pending = undefined;
    if (result.done) return;
    yield result.value;
  }
}

/**
 * A watcher whose return() takes effect at once. An async generator's own return() waits for its
 * next yield, and a watcher yields only on a change, which may be hours away: a subscriber that went
 * away would keep its subscription and its periodic re-reads until then. Ending the subscription
 * first ends the watcher's loop, and with it the generator.
 */
export function endingWith<T>(events: EventSubscription, watcher: AsyncGenerator<T>): AsyncGenerator<T> {
  return {
    next: (...args) => watcher.next(...args),
    throw: (err) => watcher.throw(err),
    return: async (value) => {
      await events.return();
      return watcher.return(value);
    },
    [Symbol.asyncIterator]() {
      return this;
    },
  };
}
