import { createHmac } from 'node:crypto';
import type { TypedDocumentNode } from '@graphql-typed-document-node/core';
import { getIntrospectionQuery, parse } from 'graphql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { graphql } from './gql/index.ts';
import { startTestApp, type TestApp } from './support/app.ts';
import { execute } from './support/graphql-client.ts';
import { startFixtureServer, type FixtureServer } from './support/http-fixture.ts';
import { makeMedia } from './support/media.ts';

const RunCommand = graphql(`
  mutation RunCommand($input: RunFfmpegCommandInput!) {
    runFfmpegCommand(input: $input) { commandId status commandType metadata originalRequest }
  }
`);
const RunChained = graphql(`
  mutation RunChained($input: RunChainedFfmpegCommandsInput!) {
    runChainedFfmpegCommands(input: $input) { commandId status commandType originalRequest }
  }
`);
const RunMultiple = graphql(`
  mutation RunMultiple($commands: [RunFfmpegCommandInput!]!) {
    runMultipleFfmpegCommands(commands: $commands) { commandId status commandType }
  }
`);
const GetCommand = graphql(`
  query GetCommand($commandId: ID!) {
    command(commandId: $commandId) {
      commandId status commandType progress metadata errorStatus errorMessage
      ffmpegCommandRunSeconds totalProcessingSeconds createdAt startedAt completedAt
      outputFiles { fileId outputAlias filename fileType width height storageUrl isDeleted rendiStoreType }
    }
  }
`);
const ListCommands = graphql(`
  query ListCommands($status: CommandStatus, $limit: Int, $offset: Int) {
    commands(status: $status, limit: $limit, offset: $offset) { total limit offset commands { commandId status } }
  }
`);
const DeleteCommandFiles = graphql(`
  mutation DeleteCommandFiles($commandId: ID!) { deleteCommandFiles(commandId: $commandId) { deleted filesDeleted } }
`);
const CreatePreset = graphql(`
  mutation CreatePreset($input: CreatePresetInput!) {
    createPreset(input: $input) {
      presetId name description commandType ffmpegCommand ffmpegCommands inputFileKeys outputFileDefinitions metadata createdAt updatedAt
    }
  }
`);
const ListPresets = graphql(`
  query ListPresets($limit: Int, $offset: Int) { presets(limit: $limit, offset: $offset) { total limit offset presets { presetId name } } }
`);
const GetPreset = graphql(`
  query GetPreset($presetId: ID!) { preset(presetId: $presetId) { presetId name description metadata ffmpegCommand inputFileKeys } }
`);
const UpdatePreset = graphql(`
  mutation UpdatePreset($presetId: ID!, $input: UpdatePresetInput!) {
    updatePreset(presetId: $presetId, input: $input) { presetId name description metadata ffmpegCommand inputFileKeys outputFileDefinitions }
  }
`);
const ExecutePreset = graphql(`
  mutation ExecutePreset($presetId: ID!, $inputFiles: JSON!, $metadata: JSON) {
    executePreset(presetId: $presetId, inputFiles: $inputFiles, metadata: $metadata) { commandId status commandType metadata }
  }
`);
const DeletePreset = graphql(`
  mutation DeletePreset($presetId: ID!) { deletePreset(presetId: $presetId) { deleted presetId } }
`);
const SetWebhook = graphql(`
  mutation SetWebhook($url: String!, $secret: String) {
    setWebhookConfig(url: $url, secret: $secret) { configured url isActive consecutiveFailures disabledAt }
  }
`);
const GetWebhook = graphql(`
  query GetWebhook { webhookConfig { configured url isActive consecutiveFailures disabledAt } }
`);
const DeleteWebhook = graphql(`
  mutation DeleteWebhook { deleteWebhookConfig }
`);

let t: TestApp;
let media: Awaited<ReturnType<typeof makeMedia>>;
let receiver: FixtureServer;
let clipId: string;

beforeAll(async () => {
  [t, media, receiver] = await Promise.all([startTestApp({ env: { WORKER_CONCURRENCY: '3' } }), makeMedia(), startFixtureServer()]);
  clipId = (await t.uploadAndWait(media.mp4)).file_id;
});
afterAll(async () => {
  await Promise.all([t?.stop(), receiver?.close()]);
});

const gql = <T, V>(doc: TypedDocumentNode<T, V>, variables: V, key: string | null = t.apiKey) => execute(t.url, doc, variables, key);
const waitEnded = async (commandId: string) => {
  const { body } = await t.json(`/api/v1/commands/${commandId}?wait=60`);
  expect(['SUCCESS', 'FAILED']).toContain(body.status);
  return body;
};
const frame = (n = 0) => ({
  inputFiles: { in_video: clipId },
  outputFiles: { out_frame: `frame${n}.png` },
  ffmpegCommand: `-ss ${n * 0.5} -i {{in_video}} -frames:v 1 {{out_frame}}`,
});
const codeOf = (result: { errors?: { extensions?: Record<string, any> }[] }) => result.errors?.[0]?.extensions?.code;

describe('GraphQL commands', () => {
  const succeeded: string[] = [];

  it('runFfmpegCommand queues a command; command() shows SUCCESS with its stored outputs', async () => {
    const run = await gql(RunCommand, { input: { ...frame(), metadata: { job: 'gql', n: 1 } } });
    expect(run.errors).toBeUndefined();
    const queued = run.data!.runFfmpegCommand;
    expect(['QUEUED', 'PROCESSING']).toContain(queued.status);
    expect(queued).toMatchObject({
      commandType: 'FFMPEG_COMMAND',
      metadata: { job: 'gql', n: 1 },
      originalRequest: { input_files: { in_video: clipId }, output_files: { out_frame: 'frame0.png' }, ffmpeg_command: frame().ffmpegCommand },
    });
    await waitEnded(queued.commandId);

    const { data, errors } = await gql(GetCommand, { commandId: queued.commandId });
    expect(errors).toBeUndefined();
    const command = data!.command;
    expect(command).toMatchObject({ commandId: queued.commandId, status: 'SUCCESS', progress: 100, errorStatus: null, errorMessage: null });
    expect(command.ffmpegCommandRunSeconds).toBeGreaterThan(0);
    expect(Date.parse(command.completedAt!)).toBeGreaterThanOrEqual(Date.parse(command.startedAt!));
    expect(command.outputFiles).toHaveLength(1);
    expect(command.outputFiles[0]).toMatchObject({
      outputAlias: 'out_frame', filename: 'frame0.png', fileType: 'image', width: 320, height: 240, isDeleted: false, rendiStoreType: 'OUTPUT',
    });
    const bytes = Buffer.from(await (await fetch(command.outputFiles[0]!.storageUrl!)).arrayBuffer());
    expect(bytes.subarray(1, 4).toString()).toBe('PNG');
    succeeded.push(queued.commandId);
  });

  it('a selection may not come back into a field it is inside (each turn would multiply the answer)', async () => {
    const raw = (query: string) => execute(t.url, parse(query) as never, {} as never, t.apiKey) as Promise<any>;
    const id = succeeded[0]!;
    const once = await raw(`{ command(commandId: "${id}") { commandId outputFiles { fileId command { commandId } } } }`);
    expect(once.errors).toBeUndefined();
    expect(once.data.command.outputFiles[0].command.commandId).toBe(id);
    const twice = await raw(`{ command(commandId: "${id}") { outputFiles { command { outputFiles { fileId } } } } }`);
    expect(codeOf(twice)).toBe('INVALID_REQUEST');
    expect(twice.errors[0].message).toMatch(/^Command.outputFiles is selected inside itself/);
    const viaFragment = await raw('{ files { files { ...F } } } fragment F on File { command { outputFiles { command { commandId } } } }');
    expect(viaFragment.errors[0].message).toMatch(/^File.command is selected inside itself/);
    // 2^30 spreads once expanded: the walk stops at its budget instead of following them all.
    const chain = Array.from({ length: 30 }, (_, i) => `fragment F${i} on Query { files { total } ...F${i + 1} ...F${i + 1} }`).join(' ');
    const exploding = await raw(`{ ...F0 } ${chain} fragment F30 on Query { presets { total } }`);
    expect(codeOf(exploding)).toBe('INVALID_REQUEST');
    expect(exploding.errors[0].message).toMatch(/too many fields once its fragments are spread/);
    // Aliases would multiply it as well: 30 are fine, 31 are not.
    const aliased = (n: number) => raw(`{ ${Array.from({ length: n }, (_, i) => `a${i}: command(commandId: "${id}") { status }`).join(' ')} }`);
    expect((await aliased(30)).errors).toBeUndefined();
    expect((await aliased(31)).errors[0].message).toBe('The query uses more than 30 aliases.');
    // A page of the root comes once per operation: a page of commands may be 100 requests of 640 KB.
    const turn = 'commands(limit: 100) { commands { outputFiles { command { status } } } }';
    expect((await raw(`{ ${turn} files { total } presets { total } }`)).errors).toBeUndefined();
    // A command's request (up to 640 KB) for at most a page of commands, however it is reached.
    expect((await raw('{ commands(limit: 100) { commands { originalRequest } } }')).errors).toBeUndefined();
    expect((await raw('{ files(limit: 100) { files { command { originalRequest } } } }')).errors).toBeUndefined();
    const nested = await raw('{ commands(limit: 100) { commands { outputFiles { command { originalRequest } } } } }');
    expect(codeOf(nested)).toBe('INVALID_REQUEST');
    expect(nested.errors[0].message).toBe('Command.originalRequest may be selected for at most 100 objects per operation (it may hold 640 KB each).');
    expect(codeOf(await raw('{ commands(limit: 100) { commands { originalRequest } } files { files { command { originalRequest } } } }'))).toBe('INVALID_REQUEST');
    const copied = await raw(`{ ${turn} a1: commands { total } }`);
    expect(codeOf(copied)).toBe('INVALID_REQUEST');
    expect(copied.errors[0].message).toBe('Query.commands may be selected once per operation: page through it with limit and offset.');
    expect((await raw(`{ files { total } ...P } fragment P on Query { files { total } }`)).errors).toBeUndefined(); // one answer, merged
    // Introspection: what GraphiQL asks works; aliases there, which its lists would multiply, do not.
    expect((await raw(getIntrospectionQuery())).errors).toBeUndefined();
    expect((await raw('{ __schema { t0: types { name } } }')).errors[0].message).toBe('Aliases are not allowed inside introspection.');
    expect((await raw('{ kind: __typename a: __type(name: "File") { name } files { t: __typename } }')).errors).toBeUndefined();
    // Colocated fragments asking for the same fields are one answer, counted once.
    const colocated = Array.from({ length: 3 }, (_, i) => `fragment C${i} on Command { outputFiles { fileId command { status } } }`).join(' ');
    expect((await raw(`{ commands { commands { ...C0 ...C1 ...C2 } } } ${colocated}`)).errors).toBeUndefined();
    // Fragments spread in a chain: refused past 64 links, and thousands of links are no 500.
    const links = (n: number) => `{ ...F0 } ${Array.from({ length: n }, (_, i) => `fragment F${i} on Query { ...F${i + 1} }`).join(' ')} fragment F${n} on Query { files { total } }`;
    expect((await raw(links(60))).errors).toBeUndefined();
    expect((await raw(links(100))).errors[0].message).toBe('Fragments spread more than 64 deep.');
    expect(codeOf(await raw(links(6000)))).toBe('INVALID_REQUEST');
  });

  it('runChainedFfmpegCommands runs the steps in one directory', async () => {
    const run = await gql(RunChained, {
      input: {
        inputFiles: { in_video: clipId },
        outputFiles: { out_gif: 'clip.gif' },
        ffmpegCommands: ['-i {{in_video}} -t 1 -vf scale=40:-2 -an -c:v libx264 -preset ultrafast temp.mp4', '-i temp.mp4 -vf fps=4 {{out_gif}}'],
      },
    });
    expect(run.errors).toBeUndefined();
    expect(run.data!.runChainedFfmpegCommands).toMatchObject({ commandType: 'CHAINED_COMMAND', originalRequest: { ffmpeg_commands: expect.any(Array) } });
    const id = run.data!.runChainedFfmpegCommands.commandId;
    await waitEnded(id);
    const { data } = await gql(GetCommand, { commandId: id });
    expect(data!.command).toMatchObject({ status: 'SUCCESS', commandType: 'CHAINED_COMMAND' });
    expect(data!.command.outputFiles.map((f) => [f.outputAlias, f.filename, f.width])).toEqual([['out_gif', 'clip.gif', 40]]);
    succeeded.push(id);
  });

  it('runMultipleFfmpegCommands returns one Command per input, each run independently', async () => {
    const run = await gql(RunMultiple, { commands: [frame(1), frame(2)] });
    expect(run.errors).toBeUndefined();
    const commands = run.data!.runMultipleFfmpegCommands;
    expect(commands).toHaveLength(2);
    expect(new Set(commands.map((c) => c.commandId)).size).toBe(2);
    for (const c of commands) expect(c.commandType).toBe('MULTIPLE_COMMAND');
    for (const [i, c] of commands.entries()) {
      await waitEnded(c.commandId);
      const { data } = await gql(GetCommand, { commandId: c.commandId });
      expect(data!.command.status).toBe('SUCCESS');
      expect(data!.command.outputFiles[0]).toMatchObject({ outputAlias: 'out_frame', filename: `frame${i + 1}.png` });
      succeeded.push(c.commandId);
    }
    const tooMany = await gql(RunMultiple, { commands: Array.from({ length: 11 }, () => frame()) });
    expect(codeOf(tooMany)).toBe('VALIDATION_ERROR');
  });

  it('a failing command ends FAILED with errorStatus FFMPEG_ERROR', async () => {
    const run = await gql(RunCommand, { input: { ...frame(), ffmpegCommand: '-i {{in_video}} -c:v no_such_encoder {{out_frame}}' } });
    const id = run.data!.runFfmpegCommand.commandId;
    await waitEnded(id);
    const { data } = await gql(GetCommand, { commandId: id });
    expect(data!.command).toMatchObject({ status: 'FAILED', errorStatus: 'FFMPEG_ERROR', outputFiles: [] });
    expect(data!.command.errorMessage).toMatch(/no_such_encoder/);
  });

  it('commands(status) filters: SUCCESS lists the finished ones, FAILED does not', async () => {
    const ok = await gql(ListCommands, { status: 'SUCCESS', limit: 100 });
    expect(ok.errors).toBeUndefined();
    const ids = ok.data!.commands.commands.map((c) => c.commandId);
    for (const id of succeeded) expect(ids).toContain(id);
    expect(ok.data!.commands.commands.every((c) => c.status === 'SUCCESS')).toBe(true);
    expect(ok.data!.commands).toMatchObject({ total: succeeded.length, limit: 100, offset: 0 });
    const failed = await gql(ListCommands, { status: 'FAILED' });
    expect(failed.data!.commands.total).toBe(1);
    expect(failed.data!.commands.commands.map((c) => c.commandId)).not.toContain(succeeded[0]);
    // Newest first, paged.
    const page = await gql(ListCommands, { limit: 1, offset: 0 });
    expect(page.data!.commands.commands).toHaveLength(1);
    expect(page.data!.commands.total).toBe(succeeded.length + 1);
    const other = await gql(ListCommands, {}, t.otherApiKey);
    expect(other.data!.commands.total).toBe(0);
  });

  it('deleteCommandFiles deletes the outputs and keeps the command', async () => {
    const id = succeeded[0]!;
    const before = (await gql(GetCommand, { commandId: id })).data!.command.outputFiles[0]!;
    const deleted = await gql(DeleteCommandFiles, { commandId: id });
    expect(deleted.errors).toBeUndefined();
    expect(deleted.data!.deleteCommandFiles).toEqual({ deleted: true, filesDeleted: 1 });
    expect((await fetch(before.storageUrl!)).status).toBe(404);
    const after = await gql(GetCommand, { commandId: id });
    expect(after.data!.command.status).toBe('SUCCESS');
    expect(after.data!.command.outputFiles[0]).toMatchObject({ fileId: before.fileId, isDeleted: true, storageUrl: null });
    expect((await gql(DeleteCommandFiles, { commandId: id })).data!.deleteCommandFiles).toEqual({ deleted: true, filesDeleted: 0 });
  });

  it('errors carry extensions.code', async () => {
    const before = await t.app.deps.db.command.count();
    const badPlaceholder = await gql(RunCommand, { input: { ...frame(), ffmpegCommand: '-i {{in_video}} -i {{in_nope}} {{out_frame}}' } });
    expect(badPlaceholder.data).toBeNull();
    expect(codeOf(badPlaceholder)).toBe('VALIDATION_ERROR');
    expect(badPlaceholder.errors![0]!.message).toMatch(/in_nope/);
    expect(badPlaceholder.errors![0]!.extensions!.detail).toEqual([expect.objectContaining({ msg: expect.stringMatching(/in_nope/), type: 'value_error' })]);

    const unused = await gql(RunCommand, { input: { ...frame(), inputFiles: { in_video: clipId, in_extra: clipId } } });
    expect(codeOf(unused)).toBe('VALIDATION_ERROR');
    expect(unused.errors![0]!.extensions!.detail[0].loc).toContain('in_extra');

    for (const inputFiles of [{ in_video: 5 }, 'in_video', [clipId], { in_video: { nested: clipId } }]) {
      const shape = await gql(RunCommand, { input: { ...frame(), inputFiles } });
      expect(codeOf(shape), JSON.stringify(inputFiles)).toBe('INVALID_REQUEST');
    }
    const badOutputs = await gql(RunCommand, { input: { ...frame(), outputFiles: { out_frame: 1 } } });
    expect(codeOf(badOutputs)).toBe('INVALID_REQUEST');
    const badMetadata = await gql(RunCommand, { input: { ...frame(), metadata: { a: { b: 1 } } } });
    expect(codeOf(badMetadata)).toBe('INVALID_REQUEST');
    const hostile = await gql(RunCommand, { input: { ...frame(), ffmpegCommand: '-i {{in_video}} -i /etc/passwd {{out_frame}}' } });
    expect(codeOf(hostile)).toBe('VALIDATION_ERROR');
    expect(await t.app.deps.db.command.count()).toBe(before);

    const id = succeeded[1]!;
    expect(codeOf(await gql(GetCommand, { commandId: id }, t.otherApiKey))).toBe('NOT_FOUND');
    expect(codeOf(await gql(DeleteCommandFiles, { commandId: id }, t.otherApiKey))).toBe('NOT_FOUND');
    expect(codeOf(await gql(GetCommand, { commandId: 'not-a-uuid' }))).toBe('NOT_FOUND');
    expect((await gql(GetCommand, { commandId: id })).data!.command.outputFiles[0]!.isDeleted).toBe(false);

    expect(codeOf(await gql(GetCommand, { commandId: id }, null))).toBe('UNAUTHORIZED');
    expect(codeOf(await gql(RunCommand, { input: frame() }, null))).toBe('UNAUTHORIZED');
    expect(codeOf(await gql(RunCommand, { input: frame() }, `ffsk_${'0'.repeat(64)}`))).toBe('UNAUTHORIZED');
    expect(await t.app.deps.db.command.count()).toBe(before);
  });
});

describe('GraphQL presets', () => {
  it('createPreset, presets, preset, updatePreset, executePreset, deletePreset', async () => {
    const created = await gql(CreatePreset, {
      input: {
        name: 'Tiny frame',
        ffmpegCommand: '-i {{in_video}} -frames:v 1 -vf scale=16:-2 {{out_tiny}}',
        inputFileKeys: ['in_video'],
        outputFileDefinitions: { out_tiny: 'tiny.png' },
        metadata: { from: 'preset' },
      },
    });
    expect(created.errors).toBeUndefined();
    const preset = created.data!.createPreset;
    expect(preset).toMatchObject({
      name: 'Tiny frame', description: null, commandType: 'FFMPEG_COMMAND', ffmpegCommands: null,
      inputFileKeys: ['in_video'], outputFileDefinitions: { out_tiny: 'tiny.png' }, metadata: { from: 'preset' },
    });
    const rest = await t.json(`/api/v1/presets/${preset.presetId}`);
    expect(rest.body).toMatchObject({ preset_id: preset.presetId, name: 'Tiny frame', created_at: preset.createdAt });

    const listed = await gql(ListPresets, { limit: 10 });
    expect(listed.data!.presets).toMatchObject({ limit: 10, offset: 0 });
    expect(listed.data!.presets.presets[0]!.presetId).toBe(preset.presetId);
    expect((await gql(ListPresets, {}, t.otherApiKey)).data!.presets.total).toBe(0);

    const updated = await gql(UpdatePreset, { presetId: preset.presetId, input: { description: 'sixteen wide' } });
    expect(updated.errors).toBeUndefined();
    expect(updated.data!.updatePreset).toMatchObject({ name: 'Tiny frame', description: 'sixteen wide', metadata: { from: 'preset' }, inputFileKeys: ['in_video'] });
    const invalid = await gql(UpdatePreset, { presetId: preset.presetId, input: { inputFileKeys: ['in_other'] } });
    expect(codeOf(invalid)).toBe('VALIDATION_ERROR');
    const nullName = await gql(UpdatePreset, { presetId: preset.presetId, input: { name: null } });
    expect(codeOf(nullName)).toBe('INVALID_REQUEST');
    const nullKeys = await gql(UpdatePreset, { presetId: preset.presetId, input: { inputFileKeys: null } });
    expect(codeOf(nullKeys)).toBe('INVALID_REQUEST');
    const badDefs = await gql(UpdatePreset, { presetId: preset.presetId, input: { outputFileDefinitions: ['tiny.png'] } });
    expect(codeOf(badDefs)).toBe('INVALID_REQUEST');
    expect((await gql(GetPreset, { presetId: preset.presetId })).data!.preset).toMatchObject({ name: 'Tiny frame', description: 'sixteen wide' });

    const run = await gql(ExecutePreset, { presetId: preset.presetId, inputFiles: { in_video: clipId }, metadata: { from: 'execute' } });
    expect(run.errors).toBeUndefined();
    expect(run.data!.executePreset).toMatchObject({ commandType: 'FFMPEG_COMMAND', metadata: { from: 'execute' } });
    await waitEnded(run.data!.executePreset.commandId);
    const command = (await gql(GetCommand, { commandId: run.data!.executePreset.commandId })).data!.command;
    expect(command).toMatchObject({ status: 'SUCCESS', metadata: { from: 'execute' } });
    expect(command.outputFiles[0]).toMatchObject({ outputAlias: 'out_tiny', filename: 'tiny.png', width: 16 });

    const before = await t.app.deps.db.command.count();
    const missing = await gql(ExecutePreset, { presetId: preset.presetId, inputFiles: {} });
    expect(codeOf(missing)).toBe('VALIDATION_ERROR');
    expect(missing.errors![0]!.extensions!.detail[0].loc).toEqual(['body', 'input_files', 'in_video']);
    expect(codeOf(await gql(ExecutePreset, { presetId: preset.presetId, inputFiles: { in_video: 3 } }))).toBe('INVALID_REQUEST');
    expect(codeOf(await gql(ExecutePreset, { presetId: preset.presetId, inputFiles: { in_video: clipId } }, t.otherApiKey))).toBe('NOT_FOUND');
    expect(await t.app.deps.db.command.count()).toBe(before);

    for (const result of [
      await gql(GetPreset, { presetId: preset.presetId }, t.otherApiKey),
      await gql(UpdatePreset, { presetId: preset.presetId, input: { name: 'x' } }, t.otherApiKey),
      await gql(DeletePreset, { presetId: preset.presetId }, t.otherApiKey),
    ]) expect(codeOf(result)).toBe('NOT_FOUND');
    expect(codeOf(await gql(ListPresets, {}, null))).toBe('UNAUTHORIZED');

    const deleted = await gql(DeletePreset, { presetId: preset.presetId });
    expect(deleted.data!.deletePreset).toEqual({ deleted: true, presetId: preset.presetId });
    expect(codeOf(await gql(GetPreset, { presetId: preset.presetId }))).toBe('NOT_FOUND');
    expect(codeOf(await gql(DeletePreset, { presetId: preset.presetId }))).toBe('NOT_FOUND');
  });

  it('createPreset validates like REST', async () => {
    const base = { name: 'p', ffmpegCommand: '-i {{in_a}} {{out_b}}', inputFileKeys: ['in_a'], outputFileDefinitions: { out_b: 'b.wav' } };
    const undeclared = await gql(CreatePreset, { input: { ...base, ffmpegCommand: '-i {{in_a}} -i {{in_c}} {{out_b}}' } });
    expect(codeOf(undeclared)).toBe('VALIDATION_ERROR');
    expect(undeclared.errors![0]!.message).toMatch(/in_c/);
    const chainedWithout = await gql(CreatePreset, { input: { ...base, commandType: 'CHAINED_COMMAND' } });
    expect(codeOf(chainedWithout)).toBe('VALIDATION_ERROR');
    expect(codeOf(await gql(CreatePreset, { input: { ...base, outputFileDefinitions: 'b.wav' } }))).toBe('INVALID_REQUEST');
    expect(codeOf(await gql(CreatePreset, { input: { ...base, metadata: [1] } }))).toBe('INVALID_REQUEST');
    const chained = await gql(CreatePreset, { input: { ...base, ffmpegCommand: null, commandType: 'CHAINED_COMMAND', ffmpegCommands: ['-i {{in_a}} {{out_b}}'] } });
    expect(chained.errors).toBeUndefined();
    expect(chained.data!.createPreset).toMatchObject({ commandType: 'CHAINED_COMMAND', ffmpegCommand: null, ffmpegCommands: ['-i {{in_a}} {{out_b}}'] });
  });
});

describe('GraphQL webhook config', () => {
  it('setWebhookConfig, webhookConfig, deleteWebhookConfig; the set webhook receives commands', async () => {
    const hits: { raw: Buffer; signature: string | undefined }[] = [];
    receiver.route('/gql-hook', async (req, res) => {
      const chunks: Buffer[] = [];
      for await (const chunk of req) chunks.push(chunk as Buffer);
      hits.push({ raw: Buffer.concat(chunks), signature: req.headers['x-webhook-signature'] as string | undefined });
      res.writeHead(204).end();
    });
    const url = `${receiver.url}/gql-hook`;

    expect((await gql(GetWebhook, {})).data!.webhookConfig).toEqual({ configured: false, url: null, isActive: null, consecutiveFailures: null, disabledAt: null });
    const refused = await gql(SetWebhook, { url: 'http://169.254.169.254/latest' });
    expect(codeOf(refused)).toBe('VALIDATION_ERROR');
    expect(codeOf(await gql(SetWebhook, { url }, null))).toBe('UNAUTHORIZED');

    const set = await gql(SetWebhook, { url, secret: 'gql-secret' });
    expect(set.errors).toBeUndefined();
    expect(set.data!.setWebhookConfig).toEqual({ configured: true, url, isActive: true, consecutiveFailures: 0, disabledAt: null });
    expect((await gql(GetWebhook, {})).data!.webhookConfig).toEqual(set.data!.setWebhookConfig);
    expect((await gql(GetWebhook, {}, t.otherApiKey)).data!.webhookConfig.configured).toBe(false);

    const run = await gql(RunCommand, { input: frame(3) });
    const id = run.data!.runFfmpegCommand.commandId;
    await waitEnded(id);
    const deadline = Date.now() + 15_000;
    while (!hits.some((h) => JSON.parse(h.raw.toString()).data.command_id === id) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
    const hit = hits.find((h) => JSON.parse(h.raw.toString()).data.command_id === id);
    expect(hit).toBeDefined();
    expect(hit!.signature).toBe(createHmac('sha256', 'gql-secret').update(hit!.raw).digest('hex'));

    const deleted = await gql(DeleteWebhook, {});
    expect(deleted.data!.deleteWebhookConfig).toBe(true);
    expect((await gql(GetWebhook, {})).data!.webhookConfig).toMatchObject({ configured: true, url, isActive: false });
  });
});
