import { z } from 'zod';
import { pageArgs } from '../files/file-graphql.ts';
import { builder } from '../graphql/builder.ts';
import { requireService } from '../graphql/service-context.ts';
import { getCommand } from '../commands/command-service.ts';
import { metadataSchema } from '../commands/command-spec.ts';
import { invalidRequest } from '../platform/errors.ts';
import { createPreset, deletePreset, executePreset, getPreset, listPresets, updatePreset, type PresetInput } from './preset-service.ts';

const PresetCommandType = builder.enumType('PresetCommandType', { values: ['FFMPEG_COMMAND', 'CHAINED_COMMAND'] as const });

const PresetRef = builder.prismaObject('Preset', {
  description: 'A stored command with placeholders, run later with new inputs.',
  fields: (t) => ({
    presetId: t.exposeID('id'),
    name: t.exposeString('name'),
    description: t.exposeString('description', { nullable: true }),
    commandType: t.field({ type: PresetCommandType, resolve: (p) => (p.commandType === 'CHAINED_COMMAND' ? 'CHAINED_COMMAND' : 'FFMPEG_COMMAND') }),
    ffmpegCommand: t.exposeString('ffmpegCommand', { nullable: true }),
    ffmpegCommands: t.stringList({ nullable: true, resolve: (p) => (p.commandType === 'CHAINED_COMMAND' ? p.ffmpegCommands : null) }),
    inputFileKeys: t.exposeStringList('inputFileKeys'),
    outputFileDefinitions: t.expose('outputFileDefinitions', { type: 'JSON' }),
    metadata: t.expose('metadata', { type: 'JSON', nullable: true }),
    createdAt: t.expose('createdAt', { type: 'DateTime' }),
    updatedAt: t.expose('updatedAt', { type: 'DateTime' }),
  }),
});

const PresetPage = builder.objectRef<Awaited<ReturnType<typeof listPresets>>>('PresetPage').implement({
  fields: (t) => ({
    presets: t.field({ type: [PresetRef], resolve: (page) => page.presets }),
    limit: t.exposeInt('limit'),
    offset: t.exposeInt('offset'),
    total: t.exposeInt('total'),
  }),
});

const DeletePresetResult = builder.objectRef<{ deleted: true; presetId: string }>('DeletePresetResult').implement({
  fields: (t) => ({ deleted: t.exposeBoolean('deleted'), presetId: t.exposeID('presetId') }),
});

const presetInputFields = (required: boolean) =>
  builder.inputType(required ? 'CreatePresetInput' : 'UpdatePresetInput', {
    fields: (t) => ({
      name: t.string({ required }),
      description: t.string(),
      commandType: t.field({ type: PresetCommandType }),
      ffmpegCommand: t.string(),
      ffmpegCommands: t.stringList(),
      inputFileKeys: t.stringList({ required }),
      outputFileDefinitions: t.field({ type: 'JSON', required, description: '{"out_x": "name.ext"}' }),
      metadata: t.field({ type: 'JSON' }),
    }),
  });
const CreatePresetInput = presetInputFields(true);
const UpdatePresetInput = presetInputFields(false);

// JSON fields have no GraphQL shape; and on UpdatePresetInput every field is nullable, but an explicit
// null may only clear the optional ones (name, inputFileKeys, outputFileDefinitions stay required).
const jsonFields = z.object({
  name: z.string().optional(),
  inputFileKeys: z.array(z.string()).optional(),
  outputFileDefinitions: z.record(z.string(), z.string()).optional(),
  metadata: metadataSchema.nullish(),
});

function toPresetInput(input: Record<string, unknown>): Partial<PresetInput> {
  const parsed = jsonFields.safeParse(input);
  if (!parsed.success) throw invalidRequest(`${parsed.error.issues[0]!.path.join('.')}: ${parsed.error.issues[0]!.message}`);
  const { name: _n, inputFileKeys: _i, outputFileDefinitions: _o, metadata: _m, ...rest } = input;
  return { ...(rest as Partial<PresetInput>), ...parsed.data };
}

builder.queryFields((t) => ({
  preset: t.prismaField({
    type: 'Preset',
    args: { presetId: t.arg.id({ required: true }) },
    resolve: (_q, _root, args, ctx) => getPreset(requireService(ctx), String(args.presetId)),
  }),
  presets: t.field({
    type: PresetPage,
    args: { limit: t.arg.int({ defaultValue: 50 }), offset: t.arg.int({ defaultValue: 0 }) },
    resolve: (_root, args, ctx) => listPresets(requireService(ctx), pageArgs(args.limit ?? 50, args.offset ?? 0)),
  }),
}));

builder.mutationFields((t) => ({
  createPreset: t.prismaField({
    type: 'Preset',
    args: { input: t.arg({ type: CreatePresetInput, required: true }) },
    resolve: (_q, _root, { input }, ctx) => createPreset(requireService(ctx), toPresetInput(input) as PresetInput),
  }),
  updatePreset: t.prismaField({
    type: 'Preset',
    args: { presetId: t.arg.id({ required: true }), input: t.arg({ type: UpdatePresetInput, required: true }) },
    resolve: (_q, _root, args, ctx) => updatePreset(requireService(ctx), String(args.presetId), toPresetInput(args.input)),
  }),
  deletePreset: t.field({
    type: DeletePresetResult,
    args: { presetId: t.arg.id({ required: true }) },
    resolve: (_root, args, ctx) => deletePreset(requireService(ctx), String(args.presetId)),
  }),
  executePreset: t.prismaField({
    type: 'Command',
    args: {
      presetId: t.arg.id({ required: true }),
      inputFiles: t.arg({ type: 'JSON', required: true }),
      metadata: t.arg({ type: 'JSON' }),
      webhookUrl: t.arg.string(),
    },
    resolve: async (_q, _root, args, ctx) => {
      const service = requireService(ctx);
      const parsed = z.object({
        inputFiles: z.record(z.string(), z.string()),
        metadata: metadataSchema.nullish(),
      }).safeParse(args);
      if (!parsed.success) throw invalidRequest(`${parsed.error.issues[0]!.path.join('.')}: ${parsed.error.issues[0]!.message}`);
      const id = await executePreset(service, String(args.presetId), { ...parsed.data, webhookUrl: args.webhookUrl });
      return getCommand(service, id);
    },
  }),
}));
