import { randomUUID } from 'node:crypto';
import { WebSocket } from 'ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApiKey, revokeApiKey } from '../src/accounts/accounts-service.ts';
import { keyPrefix } from '../src/accounts/api-keys.ts';
import { publishCommandStatus } from '../src/commands/command-status.ts';
import { graphql } from './gql/index.ts';
import { startTestApp, type TestApp } from './support/app.ts';
import { subscribeSse, subscribeWs } from './support/graphql-client.ts';
import { makeMedia } from './support/media.ts';
import { until } from './support/wait.ts';

const CommandStatus = graphql(`
  subscription CommandStatus($commandId: ID!) {
    commandStatus(commandId: $commandId) { commandId status progress outputFiles { outputAlias fileType } }
  }
`);

// One job at a time, so a command submitted behind a running one is seen QUEUED first.
let t: TestApp;
let clipId: string;
beforeAll(async () => {
  const media = await makeMedia();
  t = await startTestApp({ env: { WORKER_CONCURRENCY: '1' } });
  clipId = (await t.uploadAndWait(media.mp4)).file_id;
});
afterAll(async () => {
  await t?.stop();
});

// -re reads the 2 s clip in real time, so FFmpeg reports progress several times.
async function submitRealtime(name: string): Promise<string> {
  const { body } = await t.json('/api/v1/run-ffmpeg-command', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      input_files: { in_video: clipId },
      output_files: { out_video: name },
      ffmpeg_command: '-re -i {{in_video}} -c:v libx264 -preset ultrafast -c:a aac {{out_video}}',
    }),
  });
  return body.command_id;
}

describe('commandStatus subscription and ?wait', () => {
  for (const [transport, subscribe] of [['SSE', subscribeSse], ['WebSocket', subscribeWs]] as const) {
    it(`over ${transport}: QUEUED, PROCESSING with rising progress, then SUCCESS with outputs`, async () => {
      const blocker = await submitRealtime('blocker.mp4');
      const target = await submitRealtime('target.mp4');
      const events = await subscribe(t.url, CommandStatus, { commandId: target }, t.apiKey);
      const seen = events.map((e) => e.data!.commandStatus);
      expect(seen[0]!.status).toBe('QUEUED');
      expect(seen.at(-1)).toMatchObject({ status: 'SUCCESS', progress: 100, outputFiles: [{ outputAlias: 'out_video', fileType: 'video' }] });
      const progress = seen.filter((c) => c.status === 'PROCESSING').map((c) => c.progress ?? 0);
      expect(progress.filter((p) => p > 0 && p < 100).length).toBeGreaterThanOrEqual(2);
      expect([...progress].sort((a, b) => a - b)).toEqual(progress);
      expect((await t.json(`/api/v1/commands/${blocker}?wait=30`)).body.status).toBe('SUCCESS');
    });
  }

  it('GET ?wait=N answers as soon as the command ends; without wait it answers at once', async () => {
    const id = await submitRealtime('waited.mp4');
    const now = await t.json(`/api/v1/commands/${id}`);
    expect(['QUEUED', 'PROCESSING']).toContain(now.body.status);
    const started = Date.now();
    // The id in upper case names the same command, and its end is seen as it happens.
    const waited = await t.json(`/api/v1/commands/${id.toUpperCase()}?wait=30`);
    expect(waited.body).toMatchObject({ command_id: id, status: 'SUCCESS' });
    expect(Date.now() - started).toBeLessThan(15_000);
    expect((await t.json(`/api/v1/commands/${id}?wait=61`)).status).toBe(400);
    const other = await t.json(`/api/v1/commands/${id}?wait=1`, { key: t.otherApiKey });
    expect(other.status).toBe(404);
  });

  it('a subscription to another account’s command is NOT_FOUND', async () => {
    const id = await submitRealtime('private.mp4');
    const events = await subscribeSse(t.url, CommandStatus, { commandId: id }, t.otherApiKey);
    expect(events[0]?.errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
    await t.json(`/api/v1/commands/${id}?wait=30`);
  });

  it('GET ?wait=N reads again when the event listener comes back: an end it missed is answered then, not after N s', async () => {
    const { db, events } = t.app.deps;
    const account = await db.account.findUniqueOrThrow({ where: { name: 'alice' } });
    // No job: nothing runs it, so only this test changes its status.
    const id = randomUUID();
    await db.command.create({ data: { id, accountId: account.id, commandType: 'FFMPEG_COMMAND', originalRequest: {}, maxRunSeconds: 60 } });
    const started = Date.now();
    const waiting = t.json(`/api/v1/commands/${id}?wait=30`);
    await new Promise((r) => setTimeout(r, 300));
    // Ended by another process while this one's listener is down: its NOTIFY never arrives.
    await db.$executeRawUnsafe(`SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = current_database() AND query LIKE 'LISTEN%' AND pid <> pg_backend_pid()`);
    await db.command.update({ where: { id }, data: { status: 'SUCCESS', progress: 100, completedAt: new Date() } });
    const { status, body } = await waiting;
    expect(status).toBe(200);
    expect(body.status).toBe('SUCCESS');
    expect(Date.now() - started).toBeLessThan(10_000);
    expect(events.listening).toBe(true);
  }, 40_000);

  it('a subscription ends with UNAUTHORIZED once its key is revoked, and sends nothing after', async () => {
    const { db } = t.app.deps;
    const key = await createApiKey(db, 'alice');
    const account = await db.account.findUniqueOrThrow({ where: { name: 'alice' } });
    const id = randomUUID();
    await db.command.create({ data: { id, accountId: account.id, commandType: 'FFMPEG_COMMAND', originalRequest: {}, maxRunSeconds: 60 } });
    const ws = new WebSocket(`${t.url.replace(/^http/, 'ws')}/graphql`, 'graphql-transport-ws');
    const messages: any[] = [];
    ws.on('message', (data) => messages.push(JSON.parse(String(data))));
    await new Promise((resolve) => ws.once('open', resolve));
    ws.send(JSON.stringify({ type: 'connection_init', payload: { 'X-API-KEY': key } }));
    await until('the ack', () => messages.some((m) => m.type === 'connection_ack'));
    ws.send(JSON.stringify({ id: 's', type: 'subscribe', payload: { query: 'subscription($id: ID!) { commandStatus(commandId: $id) { status } }', variables: { id } } }));
    await until('the first status', () => messages.some((m) => m.id === 's' && m.type === 'next'));

    expect(await revokeApiKey(db, keyPrefix(key))).toBe(true);
    const error = await until('the subscription to end', () => messages.find((m) => m.id === 's' && m.type === 'error'), 15_000, 100);
    expect(error.payload[0].extensions.code).toBe('UNAUTHORIZED');
    await db.command.update({ where: { id }, data: { status: 'PROCESSING', startedAt: new Date() } });
    await publishCommandStatus(t.app.deps, id, 'PROCESSING');
    await new Promise((r) => setTimeout(r, 500));
    expect(messages.filter((m) => m.id === 's' && m.type === 'next')).toHaveLength(1);
    ws.close();
  }, 40_000);
});
