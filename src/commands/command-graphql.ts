import { z } from 'zod';
// Also registers the File type, which the fields below extend.
import { pageArgs } from '../files/file-graphql.ts';
import { builder } from '../graphql/builder.ts';
import { requireService } from '../graphql/service-context.ts';
import { whileAuthorized } from '../graphql/while-authorized.ts';
import { invalidRequest } from '../platform/errors.ts';
import { deleteCommandFiles, getCommand, listCommands, submitCommand, submitCommands } from './command-service.ts';
import { commandFields, commandText, type CommandSpec } from './command-spec.ts';
import { watchCommandStatus } from './command-watch.ts';

const CommandStatus = builder.enumType('CommandStatus', { values: ['QUEUED', 'PROCESSING', 'SUCCESS', 'FAILED'] as const });
const CommandType = builder.enumType('CommandType', { values: ['FFMPEG_COMMAND', 'CHAINED_COMMAND', 'MULTIPLE_COMMAND'] as const });

export const CommandRef = builder.prismaObject('Command', {
  description: 'An FFmpeg run: its status, timings, error and stored outputs.',
  fields: (t) => ({
    commandId: t.exposeID('id'),
    status: t.field({ type: CommandStatus, resolve: (c) => c.status }),
    commandType: t.field({ type: CommandType, resolve: (c) => c.commandType }),
    progress: t.exposeFloat('progress', { nullable: true, description: 'Percent done while PROCESSING; 100 at SUCCESS' }),
    totalProcessingSeconds: t.exposeFloat('totalProcessingSeconds', { nullable: true }),
    ffmpegCommandRunSeconds: t.exposeFloat('ffmpegRunSeconds', { nullable: true }),
    metadata: t.expose('metadata', { type: 'JSON', nullable: true }),
    errorStatus: t.exposeString('errorStatus', { nullable: true }),
    errorMessage: t.exposeString('errorMessage', { nullable: true }),
    originalRequest: t.expose('originalRequest', { type: 'JSON' }),
    outputFiles: t.relation('outputFiles', {
      description: 'The stored outputs; each File carries its outputAlias (out_x).',
      query: { orderBy: { outputAlias: 'asc' } },
    }),
    createdAt: t.expose('createdAt', { type: 'DateTime' }),
    startedAt: t.expose('startedAt', { type: 'DateTime', nullable: true }),
    completedAt: t.expose('completedAt', { type: 'DateTime', nullable: true }),
  }),
});

builder.prismaObjectField('File', 'outputAlias', (t) =>
  t.exposeString('outputAlias', { nullable: true, description: 'For a command output: its out_x key' }),
);
builder.prismaObjectField('File', 'command', (t) => t.relation('command', { nullable: true }));

const CommandPage = builder
  .objectRef<Awaited<ReturnType<typeof listCommands>>>('CommandPage')
  .implement({
    fields: (t) => ({
      commands: t.field({ type: [CommandRef], resolve: (page) => page.commands }),
      limit: t.exposeInt('limit'),
      offset: t.exposeInt('offset'),
      total: t.exposeInt('total'),
    }),
  });

const DeleteCommandFilesResult = builder.objectRef<{ deleted: true; filesDeleted: number }>('DeleteCommandFilesResult').implement({
  fields: (t) => ({ deleted: t.exposeBoolean('deleted'), filesDeleted: t.exposeInt('filesDeleted') }),
});

export const RunFfmpegCommandInput = builder.inputType('RunFfmpegCommandInput', {
  fields: (t) => ({
    inputFiles: t.field({ type: 'JSON', required: true, description: '{"in_x": url | storage_url | file id}' }),
    outputFiles: t.field({ type: 'JSON', required: true, description: '{"out_x": "name.ext"}' }),
    ffmpegCommand: t.string({ required: true }),
    metadata: t.field({ type: 'JSON', description: 'At most 10 keys; string, number or boolean values' }),
    webhookUrl: t.string(),
    maxCommandRunSeconds: t.int(),
  }),
});

const RunChainedInput = builder.inputType('RunChainedFfmpegCommandsInput', {
  fields: (t) => ({
    inputFiles: t.field({ type: 'JSON', required: true, description: '{"in_x": url | storage_url | file id}' }),
    outputFiles: t.field({ type: 'JSON', required: true, description: '{"out_x": "name.ext"}' }),
    ffmpegCommands: t.stringList({ required: true, description: '1 to 10 commands, run in order in one directory' }),
    metadata: t.field({ type: 'JSON', description: 'At most 10 keys; string, number or boolean values' }),
    webhookUrl: t.string(),
    maxCommandRunSeconds: t.int(),
  }),
});

const jsonShapes = z.object({
  inputFiles: commandFields.input_files,
  outputFiles: commandFields.output_files,
  metadata: commandFields.metadata,
  // The same size limits as the REST bodies.
  commands: z.array(commandText).max(100),
  webhookUrl: commandFields.webhook_url,
});

/** GraphQL takes the same JSON maps as REST; their shape and sizes are checked here (INVALID_REQUEST). */
export function specFromInput(
  input: { inputFiles?: unknown; outputFiles?: unknown; metadata?: unknown; webhookUrl?: string | null; maxCommandRunSeconds?: number | null },
  type: CommandSpec['type'],
  commands: string[],
): CommandSpec {
  const parsed = jsonShapes.safeParse({ ...input, commands });
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw invalidRequest(`${issue.path.join('.')}: ${issue.message}`);
  }
  return {
    type,
    inputFiles: parsed.data.inputFiles,
    outputFiles: parsed.data.outputFiles,
    commands,
    metadata: parsed.data.metadata ?? null,
    webhookUrl: input.webhookUrl || null,
    maxRunSeconds: input.maxCommandRunSeconds ?? null,
  };
}

builder.queryFields((t) => ({
  command: t.prismaField({
    type: 'Command',
    args: { commandId: t.arg.id({ required: true }) },
    resolve: (_query, _root, args, ctx) => getCommand(requireService(ctx), String(args.commandId)),
  }),
  commands: t.field({
    type: CommandPage,
    description: 'Commands of the caller, newest first.',
    args: {
      limit: t.arg.int({ defaultValue: 50 }),
      offset: t.arg.int({ defaultValue: 0 }),
      status: t.arg({ type: CommandStatus }),
    },
    resolve: (_root, args, ctx) =>
      listCommands(requireService(ctx), { ...pageArgs(args.limit ?? 50, args.offset ?? 0), status: args.status ?? undefined }),
  }),
}));

builder.mutationFields((t) => ({
  runFfmpegCommand: t.prismaField({
    type: 'Command',
    args: { input: t.arg({ type: RunFfmpegCommandInput, required: true }) },
    resolve: async (_query, _root, { input }, ctx) => {
      const service = requireService(ctx);
      const id = await submitCommand(service, specFromInput(input, 'FFMPEG_COMMAND', [input.ffmpegCommand]));
      return getCommand(service, id);
    },
  }),
  runChainedFfmpegCommands: t.prismaField({
    type: 'Command',
    args: { input: t.arg({ type: RunChainedInput, required: true }) },
    resolve: async (_query, _root, { input }, ctx) => {
      const service = requireService(ctx);
      const id = await submitCommand(service, specFromInput(input, 'CHAINED_COMMAND', input.ffmpegCommands));
      return getCommand(service, id);
    },
  }),
  runMultipleFfmpegCommands: t.prismaField({
    type: ['Command'],
    args: { commands: t.arg({ type: [RunFfmpegCommandInput], required: true }) },
    resolve: async (_query, _root, { commands }, ctx) => {
      const service = requireService(ctx);
      const specs = commands.map((c) => specFromInput(c, 'MULTIPLE_COMMAND', [c.ffmpegCommand]));
      const ids = await submitCommands(service, specs, specs.map((_, i) => ['commands', i]));
      return Promise.all(ids.map((id) => getCommand(service, id)));
    },
  }),
  deleteCommandFiles: t.field({
    type: DeleteCommandFilesResult,
    args: { commandId: t.arg.id({ required: true }) },
    resolve: (_root, args, ctx) => deleteCommandFiles(requireService(ctx), String(args.commandId)),
  }),
}));

builder.subscriptionFields((t) => ({
  commandStatus: t.field({
    type: CommandRef,
    description: 'The command now, then at each status change and progress step; completes at SUCCESS or FAILED.',
    args: { commandId: t.arg.id({ required: true }) },
    subscribe: async (_root, args, ctx) => whileAuthorized(await watchCommandStatus(requireService(ctx), String(args.commandId)), ctx.keyStillValid),
    resolve: (command) => command,
  }),
}));
