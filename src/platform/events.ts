import pg from 'pg';
import { createPubSub } from 'graphql-yoga';
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

type Topics = Record<string, [StatusEvent]>;

export interface EventBus {
  /** Announces an event; delivered to every process's subscribers after the caller's commit. */
  publish(event: StatusEvent): Promise<void>;
  subscribe(topic: StatusEvent['topic'], id: string): AsyncIterableIterator<StatusEvent>;
  close(): Promise<void>;
}

export async function createEventBus(databaseUrl: string, log: Logger): Promise<EventBus> {
  const pubsub = createPubSub<Topics>();
  const notifier = new pg.Pool({ connectionString: databaseUrl, max: 2 });
  let listener: pg.Client | undefined;
  let closed = false;

  const connect = async (): Promise<void> => {
    const client = new pg.Client({ connectionString: databaseUrl });
    client.on('notification', (msg) => {
      if (!msg.payload) return;
      try {
        const event = JSON.parse(msg.payload) as StatusEvent;
        pubsub.publish(`${event.topic}:${event.id}`, event);
      } catch (err) {
        log.warn({ err }, 'ignored a malformed event notification');
      }
    });
    client.on('error', (err) => {
      log.warn({ err }, 'event listener connection lost; reconnecting');
      void client.end().catch(() => undefined);
      if (!closed) setTimeout(() => void reconnect(), 500).unref();
    });
    await client.connect();
    await client.query(`LISTEN ${CHANNEL}`);
    listener = client;
  };

  const reconnect = async (delayMs = 500): Promise<void> => {
    if (closed) return;
    try {
      await connect();
    } catch (err) {
      log.warn({ err }, 'event listener reconnect failed');
      setTimeout(() => void reconnect(Math.min(delayMs * 2, 10_000)), delayMs).unref();
    }
  };

  await connect();

  return {
    async publish(event) {
      await notifier.query('SELECT pg_notify($1, $2)', [CHANNEL, JSON.stringify(event)]);
    },
    subscribe(topic, id) {
      return pubsub.subscribe(`${topic}:${id}`) as AsyncIterableIterator<StatusEvent>;
    },
    async close() {
      closed = true;
      await listener?.end().catch(() => undefined);
      await notifier.end();
    },
  };
}
