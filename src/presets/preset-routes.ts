import { z } from 'zod';
import type { Preset } from '../generated/prisma/client.ts';
import { metadataSchema } from '../commands/command-spec.ts';
import { defineRoute, pageQuery, type RestRoute } from '../http/rest-route.ts';
import { createPreset, deletePreset, executePreset, getPreset, listPresets, updatePreset, type PresetInput } from './preset-service.ts';

const metadata = metadataSchema;
const presetFields = {
  name: z.string(),
  description: z.string().nullish(),
  command_type: z.enum(['FFMPEG_COMMAND', 'CHAINED_COMMAND']).nullish(),
  ffmpeg_command: z.string().nullish(),
  ffmpeg_commands: z.array(z.string()).nullish(),
  input_file_keys: z.array(z.string()).describe('The in_ keys execute must be given, exactly'),
  output_file_definitions: z.record(z.string(), z.string()).describe('out_x: output file name'),
  metadata: metadata.nullish(),
};
const createBody = z.object(presetFields);
const updateBody = createBody.partial();
const presetIdParams = z.object({ presetId: z.string().describe('The preset id (UUID).') });

const restPresetSchema = z.object({
  preset_id: z.string(),
  name: z.string(),
  description: z.string().nullable(),
  command_type: z.enum(['FFMPEG_COMMAND', 'CHAINED_COMMAND']),
  ffmpeg_command: z.string().nullable(),
  ffmpeg_commands: z.array(z.string()).nullable(),
  input_file_keys: z.array(z.string()),
  output_file_definitions: z.record(z.string(), z.string()),
  metadata: metadata.nullable(),
  created_at: z.string(),
  updated_at: z.string(),
});

export function presetToRest(preset: Preset) {
  const chained = preset.commandType === 'CHAINED_COMMAND';
  return {
    preset_id: preset.id,
    name: preset.name,
    description: preset.description,
    command_type: preset.commandType,
    ffmpeg_command: chained ? null : preset.ffmpegCommand,
    ffmpeg_commands: chained ? preset.ffmpegCommands : null,
    input_file_keys: preset.inputFileKeys,
    output_file_definitions: preset.outputFileDefinitions,
    metadata: preset.metadata ?? null,
    created_at: preset.createdAt.toISOString(),
    updated_at: preset.updatedAt.toISOString(),
  };
}

function toInput(body: Partial<z.infer<typeof createBody>>): Partial<PresetInput> {
  return {
    name: body.name,
    description: body.description,
    commandType: body.command_type,
    ffmpegCommand: body.ffmpeg_command,
    ffmpegCommands: body.ffmpeg_commands,
    inputFileKeys: body.input_file_keys,
    outputFileDefinitions: body.output_file_definitions,
    metadata: body.metadata,
  };
}

export const presetRoutes: RestRoute[] = [
  defineRoute({
    method: 'POST',
    path: '/api/v1/presets',
    operationId: 'createPreset',
    summary: 'Create a preset: a stored command run later with new inputs',
    tag: 'Presets',
    body: createBody,
    response: { status: 201, description: 'Created.', schema: restPresetSchema },
    errors: [400, 401, 422, 429],
    handle: async (ctx, { body }) => ({ body: presetToRest(await createPreset(ctx, toInput(body) as PresetInput)) }),
  }),
  defineRoute({
    method: 'GET',
    path: '/api/v1/presets',
    operationId: 'listPresets',
    summary: 'List presets, newest first',
    tag: 'Presets',
    query: pageQuery,
    response: {
      status: 200,
      description: 'One page of presets.',
      schema: z.object({ presets: z.array(restPresetSchema), limit: z.number(), offset: z.number(), total: z.number() }),
    },
    errors: [400, 401, 429],
    handle: async (ctx, { query }) => {
      const page = await listPresets(ctx, query);
      return { body: { ...page, presets: page.presets.map(presetToRest) } };
    },
  }),
  defineRoute({
    method: 'GET',
    path: '/api/v1/presets/:presetId',
    operationId: 'getPreset',
    summary: 'Get a preset',
    tag: 'Presets',
    params: presetIdParams,
    response: { status: 200, description: 'The preset.', schema: restPresetSchema },
    errors: [401, 404, 429],
    handle: async (ctx, { params }) => ({ body: presetToRest(await getPreset(ctx, params.presetId)) }),
  }),
  defineRoute({
    method: 'PUT',
    path: '/api/v1/presets/:presetId',
    operationId: 'updatePreset',
    summary: 'Update a preset (partial: only the fields sent change)',
    tag: 'Presets',
    params: presetIdParams,
    body: updateBody,
    response: { status: 200, description: 'The updated preset.', schema: restPresetSchema },
    errors: [400, 401, 404, 422, 429],
    handle: async (ctx, { params, body }) => ({ body: presetToRest(await updatePreset(ctx, params.presetId, toInput(body))) }),
  }),
  defineRoute({
    method: 'DELETE',
    path: '/api/v1/presets/:presetId',
    operationId: 'deletePreset',
    summary: 'Delete a preset',
    tag: 'Presets',
    params: presetIdParams,
    response: { status: 200, description: 'Deleted.', schema: z.object({ deleted: z.literal(true), preset_id: z.string() }) },
    errors: [401, 404, 429],
    handle: async (ctx, { params }) => {
      const result = await deletePreset(ctx, params.presetId);
      return { body: { deleted: result.deleted, preset_id: result.presetId } };
    },
  }),
  defineRoute({
    method: 'POST',
    path: '/api/v1/presets/:presetId/execute',
    operationId: 'executePreset',
    summary: "Run a preset with inputs (their keys must equal the preset's input_file_keys)",
    tag: 'Presets',
    params: presetIdParams,
    body: z.object({
      input_files: z.record(z.string(), z.string()),
      metadata: metadata.nullish(),
      webhook_url: z.string().nullish(),
    }),
    response: { status: 200, description: 'Queued.', schema: z.object({ command_id: z.string() }) },
    errors: [400, 401, 404, 422, 429],
    handle: async (ctx, { params, body }) => ({
      body: { command_id: await executePreset(ctx, params.presetId, { inputFiles: body.input_files, metadata: body.metadata, webhookUrl: body.webhook_url }) },
    }),
  }),
];
