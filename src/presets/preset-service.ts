import { randomUUID } from 'node:crypto';
import { Prisma, type Preset } from '../generated/prisma/client.ts';
import { submitCommand } from '../commands/command-service.ts';
import type { CommandSpec, Metadata } from '../commands/command-spec.ts';
import { validateCommandSpec } from '../commands/command-validation.ts';
import type { ServiceContext } from '../platform/context.ts';
import { AppError, notFound, validationError, type ErrorDetail } from '../platform/errors.ts';
import { isUuid } from '../platform/ids.ts';

export interface PresetInput {
  name: string;
  description?: string | null;
  commandType?: 'FFMPEG_COMMAND' | 'CHAINED_COMMAND' | null;
  ffmpegCommand?: string | null;
  ffmpegCommands?: string[] | null;
  inputFileKeys: string[];
  outputFileDefinitions: Record<string, string>;
  metadata?: Metadata | null;
}

function specOf(input: PresetInput, inputFiles: Record<string, string>): CommandSpec {
  const chained = input.commandType === 'CHAINED_COMMAND';
  return {
    type: chained ? 'CHAINED_COMMAND' : 'FFMPEG_COMMAND',
    inputFiles,
    outputFiles: input.outputFileDefinitions,
    commands: chained ? (input.ffmpegCommands ?? []) : [input.ffmpegCommand ?? ''],
    metadata: input.metadata ?? null,
    webhookUrl: null,
    maxRunSeconds: null,
  };
}

/**
 * A preset holds a command with its placeholders; it is checked like one, without inputs. `sent` is
 * what the client sent (on update, merged into the stored preset to make `input`): a command field
 * the type does not use (ffmpeg_command on a CHAINED_COMMAND preset, ffmpeg_commands on an
 * FFMPEG_COMMAND one) would be dropped while the client is told it was saved. The stored one of a
 * preset whose type changes is dropped as it should be; null and an empty list are no value.
 */
async function validatePreset(ctx: ServiceContext, input: PresetInput, sent: Partial<PresetInput> = input): Promise<void> {
  const chained = input.commandType === 'CHAINED_COMMAND';
  const missing = chained ? !input.ffmpegCommands?.length && 'ffmpeg_commands' : !input.ffmpegCommand && 'ffmpeg_command';
  const unused = chained ? sent.ffmpegCommand != null && 'ffmpeg_command' : !!sent.ffmpegCommands?.length && 'ffmpeg_commands';
  const problems: ErrorDetail[] = [];
  const name = input.name.trim(); // as stored; counted in characters, not UTF-16 units
  if (!name || [...name].length > 200) problems.push({ loc: ['body', 'name'], msg: 'must be 1 to 200 characters', type: 'value_error' });
  if (missing) problems.push({ loc: ['body', missing], msg: `required when command_type is ${input.commandType ?? 'FFMPEG_COMMAND'}`, type: 'value_error.missing' });
  if (unused) problems.push({ loc: ['body', unused], msg: `not used when command_type is ${input.commandType ?? 'FFMPEG_COMMAND'}`, type: 'value_error' });
  if (new Set(input.inputFileKeys).size !== input.inputFileKeys.length) problems.push({ loc: ['body', 'input_file_keys'], msg: 'keys must be unique', type: 'value_error' });
  if (problems.length) throw validationError(`${problems[0]!.loc.slice(1).join('.')}: ${problems[0]!.msg}`, problems);
  const placeholders = Object.fromEntries(input.inputFileKeys.map((k) => [k, '']));
  try {
    await validateCommandSpec(ctx, specOf(input, placeholders), ['body'], { resolveInputs: false });
  } catch (err) {
    throw atPresetFields(err, input);
  }
}

/**
 * The command check names command fields (input_files.in_x, output_files.out_x); a preset's client
 * sent input_file_keys (a list) and output_file_definitions, so its problems are located there.
 */
function atPresetFields(err: unknown, input: PresetInput): unknown {
  if (!(err instanceof AppError) || !err.detail) return err;
  const detail = err.detail.map((d) => {
    const [body, field, key, ...rest] = d.loc;
    if (body !== 'body') return d;
    if (field === 'input_files') {
      // A list is located by index, so the message must name the key itself.
      const index = input.inputFileKeys.indexOf(String(key));
      const msg = key === undefined || d.msg.includes(String(key)) ? d.msg : `${key}: ${d.msg}`;
      return { ...d, msg, loc: ['body', 'input_file_keys', ...(index === -1 ? [] : [index]), ...rest] };
    }
    if (field === 'output_files') return { ...d, loc: ['body', 'output_file_definitions', ...(key === undefined ? [] : [key]), ...rest] };
    return d;
  });
  const first = detail[0]!;
  return new AppError(err.code, `${first.loc.slice(1).join('.')}: ${first.msg}`, detail);
}

function toRow(input: PresetInput) {
  return {
    name: input.name.trim(),
    description: input.description ?? null,
    commandType: input.commandType ?? 'FFMPEG_COMMAND',
    ffmpegCommand: input.commandType === 'CHAINED_COMMAND' ? null : (input.ffmpegCommand ?? null),
    ffmpegCommands: input.commandType === 'CHAINED_COMMAND' ? (input.ffmpegCommands ?? []) : [],
    inputFileKeys: input.inputFileKeys,
    outputFileDefinitions: input.outputFileDefinitions as Prisma.InputJsonValue,
    // DbNull, not undefined: on update, undefined would keep the old metadata instead of clearing it.
    metadata: input.metadata ? (input.metadata as Prisma.InputJsonValue) : Prisma.DbNull,
  };
}

function toInput(preset: Preset): PresetInput {
  return {
    name: preset.name,
    description: preset.description,
    commandType: preset.commandType === 'CHAINED_COMMAND' ? 'CHAINED_COMMAND' : 'FFMPEG_COMMAND',
    ffmpegCommand: preset.ffmpegCommand,
    ffmpegCommands: preset.ffmpegCommands,
    inputFileKeys: preset.inputFileKeys,
    outputFileDefinitions: preset.outputFileDefinitions as Record<string, string>,
    metadata: preset.metadata as Metadata | null,
  };
}

export async function createPreset(ctx: ServiceContext, input: PresetInput): Promise<Preset> {
  await validatePreset(ctx, input);
  return ctx.db.preset.create({ data: { id: randomUUID(), accountId: ctx.accountId, ...toRow(input) } });
}

export async function getPreset(ctx: ServiceContext, presetId: string): Promise<Preset> {
  if (!isUuid(presetId)) throw notFound('Preset');
  const preset = await ctx.db.preset.findFirst({ where: { id: presetId, accountId: ctx.accountId } });
  if (!preset) throw notFound('Preset');
  return preset;
}

export async function listPresets(ctx: ServiceContext, input: { limit: number; offset: number }) {
  const where = { accountId: ctx.accountId };
  const [presets, total] = await Promise.all([
    ctx.db.preset.findMany({ where, orderBy: [{ createdAt: 'desc' }, { id: 'desc' }], take: input.limit, skip: input.offset }),
    ctx.db.preset.count({ where }),
  ]);
  return { presets, total, limit: input.limit, offset: input.offset };
}

/** Partial update: the merged preset must still be valid. */
export async function updatePreset(ctx: ServiceContext, presetId: string, changes: Partial<PresetInput>): Promise<Preset> {
  if (!isUuid(presetId)) throw notFound('Preset');
  const defined = Object.fromEntries(Object.entries(changes).filter(([, v]) => v !== undefined));
  return ctx.db.$transaction(async (tx) => {
    // Locked from the read to the write: two PUTs changing different fields both stand, each merged
    // into what the other wrote; a DELETE that won the race leaves no row to lock (404, not a 500).
    const locked = await tx.$queryRaw<{ id: string }[]>`
      SELECT id FROM presets WHERE id = ${presetId}::uuid AND account_id = ${ctx.accountId}::uuid FOR UPDATE`;
    if (!locked.length) throw notFound('Preset');
    const current = await tx.preset.findUniqueOrThrow({ where: { id: locked[0]!.id } });
    const merged: PresetInput = { ...toInput(current), ...defined };
    await validatePreset(ctx, merged, defined);
    return tx.preset.update({ where: { id: current.id }, data: toRow(merged) });
  });
}

export async function deletePreset(ctx: ServiceContext, presetId: string): Promise<{ deleted: true; presetId: string }> {
  const preset = await getPreset(ctx, presetId);
  const { count } = await ctx.db.preset.deleteMany({ where: { id: preset.id, accountId: ctx.accountId } });
  if (count === 0) throw notFound('Preset'); // another DELETE won the race
  return { deleted: true, presetId: preset.id };
}

/** Runs the preset with these inputs; their keys must be exactly the preset's input_file_keys. */
export async function executePreset(
  ctx: ServiceContext,
  presetId: string,
  input: { inputFiles: Record<string, string>; metadata?: Metadata | null; webhookUrl?: string | null },
): Promise<string> {
  const preset = await getPreset(ctx, presetId);
  const expected = new Set(preset.inputFileKeys);
  const given = Object.keys(input.inputFiles);
  const problems: ErrorDetail[] = [
    ...preset.inputFileKeys.filter((k) => !given.includes(k)).map((k) => ({ loc: ['body', 'input_files', k], msg: 'required by the preset', type: 'value_error.missing' })),
    ...given.filter((k) => !expected.has(k)).map((k) => ({ loc: ['body', 'input_files', k], msg: 'not an input of the preset', type: 'value_error' })),
  ];
  if (problems.length) throw validationError(`input_files must have exactly the keys ${preset.inputFileKeys.join(', ')}`, problems);
  const spec = specOf(toInput(preset), input.inputFiles);
  return submitCommand(ctx, { ...spec, metadata: input.metadata ?? spec.metadata, webhookUrl: input.webhookUrl || null });
}
