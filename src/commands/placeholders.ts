import { validationError, type ErrorDetail } from '../platform/errors.ts';

export const INPUT_KEY = /^in_[A-Za-z0-9_]+$/;
export const OUTPUT_KEY = /^out_[A-Za-z0-9_]+$/;
export const OUTPUT_FILENAME = /^[A-Za-z0-9_.-]+$/;
const OUTPUT_FILENAME_SHAPE = /^[A-Za-z0-9_][A-Za-z0-9_.-]*\.[A-Za-z0-9]{1,10}$/;
const MAX_OUTPUT_FILENAME = 200;

/** A bare output file name: `[A-Za-z0-9_.-]`, an extension of 1–10 alphanumerics, no leading `.`/`-`. */
export function isValidOutputFilename(name: string): boolean {
  return name.length <= MAX_OUTPUT_FILENAME && OUTPUT_FILENAME.test(name) && OUTPUT_FILENAME_SHAPE.test(name);
}

// What may sit between the delimiters for the text to *look like* a placeholder. Deliberately wider
// than a valid key, so that `{{foo}}` or `{{in-x}}` is reported instead of reaching FFmpeg as a
// literal file name; whitespace and quotes are excluded so prose such as `<<a b>>` is not caught.
const KEY_TEXT = String.raw`[^\s{}<>\\'"]{1,100}`;
const SPELLINGS = String.raw`\\\{\\\{(${KEY_TEXT})\\\}\\\}|\{\{(${KEY_TEXT})\}\}|<<(${KEY_TEXT})>>`;
const PLACEHOLDER_GLOBAL = new RegExp(SPELLINGS, 'g');
const PLACEHOLDER_STICKY = new RegExp(SPELLINGS, 'y');
const PLACEHOLDER_EXACT = new RegExp(`^(?:${SPELLINGS})$`);

const keyOf = (match: RegExpExecArray | RegExpMatchArray): string => match[1] ?? match[2] ?? match[3] ?? '';

type CommandField = 'ffmpeg_command' | 'ffmpeg_commands';

export const isPlaceholderKey = (key: string): boolean => INPUT_KEY.test(key) || OUTPUT_KEY.test(key);

/** Keys of the placeholders in `command` (any spelling, valid or not), unique, in order of first use. */
export function findPlaceholders(command: string): string[] {
  const keys = new Set<string>();
  for (const match of command.matchAll(PLACEHOLDER_GLOBAL)) keys.add(keyOf(match));
  return [...keys];
}

/** How many times each key's placeholder occurs in `text`. */
export function countPlaceholders(text: string): Map<string, number> {
  const counts = new Map<string, number>();
  for (const match of text.matchAll(PLACEHOLDER_GLOBAL)) counts.set(keyOf(match), (counts.get(keyOf(match)) ?? 0) + 1);
  return counts;
}

/** The placeholder text starting exactly at `index` (any spelling), or undefined. */
export function placeholderAt(text: string, index: number): string | undefined {
  PLACEHOLDER_STICKY.lastIndex = index;
  return PLACEHOLDER_STICKY.exec(text)?.[0];
}

/** The key when the whole of `arg` is one placeholder, e.g. `<<in_a>>` → `in_a`. */
export function exactPlaceholderKey(arg: string): string | undefined {
  const match = PLACEHOLDER_EXACT.exec(arg);
  return match ? keyOf(match) : undefined;
}

/**
 * The two-way check. `locPrefix` is where the command text sits: `['body', 'ffmpeg_command']`, or
 * `['body', 'ffmpeg_commands']` for a chain (each problem then carries the index of its command).
 * Unused keys are reported beside it, e.g. `['body', 'input_files', 'in_y']`. A prefix that names
 * no command field (`['body']`) gets `field` appended.
 */
export function checkPlaceholders(
  commands: string[],
  inputKeys: string[],
  outputKeys: string[],
  locPrefix: (string | number)[],
  field: CommandField = commands.length > 1 ? 'ffmpeg_commands' : 'ffmpeg_command',
): ErrorDetail[] {
  const last = locPrefix.at(-1);
  const named = last === 'ffmpeg_command' || last === 'ffmpeg_commands';
  const bodyLoc = named ? locPrefix.slice(0, -1) : locPrefix;
  const commandField = named ? (last as CommandField) : field;
  const problems: ErrorDetail[] = [];
  const inputs = new Set(inputKeys);
  const outputs = new Set(outputKeys);
  const used = new Set<string>();
  commands.forEach((command, index) => {
    const loc = commandField === 'ffmpeg_commands' ? [...bodyLoc, commandField, index] : [...bodyLoc, commandField];
    for (const key of findPlaceholders(command)) {
      used.add(key);
      const msg = undeclaredMessage(key, inputs, outputs);
      if (msg) problems.push({ loc, msg, type: 'value_error' });
    }
  });
  for (const [section, keys] of [['input_files', inputKeys], ['output_files', outputKeys]] as const) {
    for (const key of new Set(keys)) {
      if (!used.has(key)) {
        problems.push({ loc: [...bodyLoc, section, key], msg: `${key} is declared but never used`, type: 'value_error' });
      }
    }
  }
  return problems;
}

function undeclaredMessage(key: string, inputs: Set<string>, outputs: Set<string>): string | undefined {
  if (INPUT_KEY.test(key)) {
    return inputs.has(key) ? undefined : `placeholder {{${key}}} is not declared in input_files`;
  }
  if (OUTPUT_KEY.test(key)) {
    return outputs.has(key) ? undefined : `placeholder {{${key}}} is not declared in output_files`;
  }
  return `unknown placeholder {{${key}}}: keys are in_<name> (input_files) or out_<name> (output_files), <name> in [A-Za-z0-9_]`;
}

/**
 * Replaces every placeholder spelling inside one argument with its local file name, also inside
 * filter arguments (`subtitles={{in_srt}}` → `subtitles=in_srt.srt`).
 */
export function substitutePlaceholders(arg: string, names: Record<string, string>): string {
  return arg.replace(PLACEHOLDER_GLOBAL, (...match: string[]) => {
    const key = match[1] ?? match[2] ?? match[3] ?? '';
    const name = Object.hasOwn(names, key) ? names[key] : undefined;
    if (name === undefined) {
      throw validationError(`The command uses placeholder {{${key}}}, which names no file.`, [
        { loc: ['body', 'ffmpeg_command'], msg: `placeholder {{${key}}} is not declared`, type: 'value_error' },
      ]);
    }
    return name;
  });
}
