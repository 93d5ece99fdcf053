import type { ServiceContext } from '../platform/context.ts';
import { validationError, type ErrorDetail } from '../platform/errors.ts';
import { checkUrl } from '../platform/outbound/index.ts';
import { checkArguments } from './argument-policy.ts';
import { splitCommandLine } from './command-line.ts';
import { resolveInput } from './command-inputs.ts';
import { MAX_COMMAND_LENGTH, MAX_FILES, MAX_KEY_LENGTH, MAX_VALUE_LENGTH, type CommandSpec } from './command-spec.ts';
import { checkPlaceholders, INPUT_KEY, isValidOutputFilename, OUTPUT_KEY } from './placeholders.ts';

type Loc = (string | number)[];
const MAX_COMMANDS = 10;
const MAX_METADATA_KEYS = 10;

const detail = (loc: Loc, msg: string): ErrorDetail => ({ loc, msg, type: 'value_error' });

function fail(details: ErrorDetail[]): never {
  const first = details[0]!;
  throw validationError(`${first.loc.slice(1).join('.')}: ${first.msg}`, details);
}

/**
 * Everything that can be known before running: aliases, output names, metadata, limits, placeholders
 * both ways, the argument policy, and that every input can be used. Throws 422 naming the key or
 * argument; returns the run limit in seconds.
 */
export async function validateCommandSpec(
  ctx: Pick<ServiceContext, 'config' | 'db' | 'signer' | 'allow' | 'accountId'>,
  spec: CommandSpec,
  loc: Loc = ['body'],
  opts: { resolveInputs?: boolean } = {},
): Promise<number> {
  const problems: ErrorDetail[] = [];
  const commandsLoc = spec.type === 'CHAINED_COMMAND' ? [...loc, 'ffmpeg_commands'] : [...loc, 'ffmpeg_command'];
  if (spec.commands.length < 1 || spec.commands.length > MAX_COMMANDS) {
    problems.push(detail(commandsLoc, `must hold 1 to ${MAX_COMMANDS} commands`));
  }
  spec.commands.forEach((command, i) => {
    const at = spec.type === 'CHAINED_COMMAND' ? [...commandsLoc, i] : commandsLoc;
    if (command.length > MAX_COMMAND_LENGTH) problems.push(detail(at, `at most ${MAX_COMMAND_LENGTH} characters`));
  });
  for (const [field, files] of [['input_files', spec.inputFiles], ['output_files', spec.outputFiles]] as const) {
    const entries = Object.entries(files);
    if (entries.length > MAX_FILES) problems.push(detail([...loc, field], `at most ${MAX_FILES} entries`));
    for (const [key, value] of entries) {
      if (key.length > MAX_KEY_LENGTH || value.length > MAX_VALUE_LENGTH) {
        problems.push(detail([...loc, field, key.slice(0, MAX_KEY_LENGTH)], `keys of at most ${MAX_KEY_LENGTH} and values of at most ${MAX_VALUE_LENGTH} characters`));
      }
    }
  }
  if ((spec.webhookUrl?.length ?? 0) > MAX_VALUE_LENGTH) problems.push(detail([...loc, 'webhook_url'], `at most ${MAX_VALUE_LENGTH} characters`));
  if (problems.length) fail(problems); // before the checks below walk what may be huge
  for (const key of Object.keys(spec.inputFiles)) {
    if (!INPUT_KEY.test(key)) problems.push(detail([...loc, 'input_files', key], 'input keys are in_ followed by letters, digits or _'));
  }
  const names = new Set<string>();
  for (const [key, filename] of Object.entries(spec.outputFiles)) {
    if (!OUTPUT_KEY.test(key)) problems.push(detail([...loc, 'output_files', key], 'output keys are out_ followed by letters, digits or _'));
    if (!isValidOutputFilename(filename)) {
      problems.push(detail([...loc, 'output_files', key], 'must be a bare file name of [A-Za-z0-9_.-] with an extension'));
    } else if (names.has(filename) || Object.keys(spec.inputFiles).some((k) => filename.startsWith(`${k}.`) || filename === k)) {
      problems.push(detail([...loc, 'output_files', key], `file name ${filename} is used twice`));
    }
    names.add(filename);
  }
  if (spec.metadata && Object.keys(spec.metadata).length > MAX_METADATA_KEYS) {
    problems.push(detail([...loc, 'metadata'], `at most ${MAX_METADATA_KEYS} keys`));
  }
  const maxRun = spec.maxRunSeconds ?? ctx.config.commands.defaultRunSeconds;
  if (maxRun < 1 || maxRun > ctx.config.commands.maxRunSeconds) {
    problems.push(detail([...loc, 'max_command_run_seconds'], `must be from 1 to ${ctx.config.commands.maxRunSeconds}`));
  }
  if (problems.length) fail(problems);

  const inputKeys = Object.keys(spec.inputFiles);
  const outputKeys = Object.keys(spec.outputFiles);
  const placeholderProblems = checkPlaceholders(spec.commands, inputKeys, outputKeys, commandsLoc);
  if (placeholderProblems.length) fail(placeholderProblems);
  spec.commands.forEach((command, i) => {
    const argLoc = spec.type === 'CHAINED_COMMAND' ? [...commandsLoc, i] : commandsLoc;
    checkArguments(splitCommandLine(command, argLoc), { inputKeys, outputKeys, loc: argLoc });
  });

  if (spec.webhookUrl) await checkUrl(spec.webhookUrl, ctx.allow, [...loc, 'webhook_url']);
  if (opts.resolveInputs === false) return maxRun;
  const inputProblems: ErrorDetail[] = [];
  await Promise.all(
    Object.entries(spec.inputFiles).map(async ([key, value]) => {
      const source = await resolveInput(ctx, value);
      if ('problem' in source) inputProblems.push(detail([...loc, 'input_files', key], source.problem));
    }),
  );
  if (inputProblems.length) fail(inputProblems);
  return maxRun;
}
