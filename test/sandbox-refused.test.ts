import type { Job } from 'pg-boss';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { commandJobWorkers } from '../src/commands/command-jobs.ts';
import { startTestApp, type TestApp } from './support/app.ts';

// An API-only process: the command stays queued, and the test hands it to the command.run worker
// itself, with a sandbox choice that refuses as SANDBOX=bwrap does while bubblewrap fails.
let t: TestApp;
beforeAll(async () => {
  t = await startTestApp({ env: { ROLE: 'api' } });
});
afterAll(async () => {
  await t?.stop();
});

describe('SANDBOX=bwrap while bubblewrap fails', () => {
  it('a command ends FAILED with SANDBOX_UNAVAILABLE at once, not WORKER_LOST after its retries', async () => {
    const { status, body } = await t.json('/api/v1/run-ffmpeg-command', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ input_files: { in_v: 'https://93.184.216.34/a.mp4' }, output_files: { out_f: 'f.png' }, ffmpeg_command: '-i {{in_v}} -frames:v 1 {{out_f}}' }),
    });
    expect(status).toBe(200);
    let trials = 0;
    const refusing = async (): Promise<'bwrap' | 'none'> => {
      trials++;
      throw new Error('SANDBOX=bwrap but bubblewrap does not work here: fork: Resource temporarily unavailable');
    };
    const [runWorker] = commandJobWorkers(t.app.deps, refusing);
    const job = { id: 'test', retryCount: 0, signal: new AbortController().signal } as unknown as Job<unknown>;
    await runWorker!.handle({ commandId: body.command_id }, job); // resolves: nothing for the queue to retry
    expect(trials).toBe(1);
    const command = (await t.json(`/api/v1/commands/${body.command_id}`)).body;
    expect(command).toMatchObject({ status: 'FAILED', error_status: 'SANDBOX_UNAVAILABLE', output_files: {} });
    expect(command.error_message).toMatch(/sandbox/);
    expect(command.completed_at).not.toBeNull();
  });
});
