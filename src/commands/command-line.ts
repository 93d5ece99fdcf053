import { validationError } from '../platform/errors.ts';
import { placeholderAt } from './placeholders.ts';

type Loc = (string | number)[];

const WHITESPACE = new Set([' ', '\t', '\n', '\r', '\v', '\f']);
// Control operators and redirections of a POSIX shell. `(`, `)` and `[`, `]` are left as text:
// FFmpeg expressions (`eq(n\,0)`) and stream labels (`[v]`) use them, and nothing here executes them.
const OPERATORS = new Set(['|', ';', '&', '<', '>']);
const CONTROL = /[\u0000-\u0008\u000e-\u001f\u007f]/;
// A word made only of file-name characters around an unquoted `*`/`?` is what a shell would glob.
// Words with `=`, `:`, `(` etc. are FFmpeg values (`scale=iw*2:-2`, `-map 0:a?`) and pass.
const GLOB_WORD = /^[A-Za-z0-9_.\/~*?-]+$/;

/**
 * Splits a command into argv the way a POSIX shell splits words (quotes, backslashes, whitespace
 * including newlines, backslash-newline continuation), without running or expanding anything.
 * Text that would make a shell do more than split words (pipes, lists, redirections, command
 * substitution, variable expansion, globs, comments) is refused so that no user expects it to work.
 * A leading bare `ffmpeg` word is dropped; anything else that comes first is an argument.
 */
export function splitCommandLine(command: string, loc: Loc = ['body', 'ffmpeg_command']): string[] {
  const fail = (msg: string): never => {
    throw validationError(`The FFmpeg command cannot be read: ${msg}.`, [{ loc, msg, type: 'value_error' }]);
  };
  const control = CONTROL.exec(command);
  if (control) {
    const code = control[0].charCodeAt(0).toString(16).toUpperCase().padStart(4, '0');
    fail(`${code === '0000' ? 'NUL character' : `control character U+${code}`} at offset ${control.index}`);
  }

  const words: string[] = [];
  let word = '';
  let started = false;
  let glob: string | undefined;
  const endWord = () => {
    if (!started) return;
    if (glob && GLOB_WORD.test(word)) {
      fail(`unquoted glob character "${glob}" in ${JSON.stringify(word)} (files are never expanded; quote the argument)`);
    }
    words.push(word);
    word = '';
    started = false;
    glob = undefined;
  };

  let i = 0;
  while (i < command.length) {
    const c = command[i] as string;
    if (WHITESPACE.has(c)) {
      endWord();
      i += 1;
      continue;
    }
    // Before any metacharacter check: `<<in_a>>` is a placeholder, not two redirections.
    const placeholder = placeholderAt(command, i);
    if (placeholder) {
      word += placeholder;
      started = true;
      i += placeholder.length;
      continue;
    }
    if (c === "'") {
      const end = command.indexOf("'", i + 1);
      if (end < 0) fail(`unbalanced single quote at offset ${i}`);
      word += command.slice(i + 1, end);
      started = true;
      i = end + 1;
    } else if (c === '"') {
      i = readDoubleQuoted(command, i, (text) => (word += text), fail);
      started = true;
    } else if (c === '\\') {
      const continuation = lineBreakLength(command, i + 1);
      if (continuation > 0) {
        i += 1 + continuation;
        continue;
      }
      if (i + 1 >= command.length) fail('trailing backslash at the end of the command');
      word += command[i + 1];
      started = true;
      i += 2;
    } else {
      if (OPERATORS.has(c)) fail(`unquoted shell metacharacter "${c}" at offset ${i} (the command is never run by a shell; quote it if it belongs to an argument)`);
      if (c === '`') fail(`backtick at offset ${i} (command substitution is not supported)`);
      if (c === '$') checkDollar(command, i, fail);
      if (c === '#' && !started) fail(`unquoted "#" at offset ${i} would start a shell comment; quote it`);
      if ((c === '*' || c === '?') && !glob) glob = c;
      word += c;
      started = true;
      i += 1;
    }
  }
  endWord();

  if (words.length === 0) fail('the command is empty');
  if (words[0] === 'ffmpeg') words.shift();
  if (words.length === 0) fail('the command has no arguments after "ffmpeg"');
  return words;
}

/** Reads `"..."` starting at the opening quote; returns the index after the closing quote. */
function readDoubleQuoted(text: string, open: number, append: (s: string) => void, fail: (msg: string) => never): number {
  let i = open + 1;
  while (i < text.length) {
    const c = text[i] as string;
    if (c === '"') return i + 1;
    if (c === '\\') {
      const next = text[i + 1];
      const continuation = lineBreakLength(text, i + 1);
      if (continuation > 0) {
        i += 1 + continuation;
        continue;
      }
      // Inside double quotes a backslash escapes only these; before anything else it is kept,
      // which is what FFmpeg filter escapes such as "select='eq(n\,0)'" rely on.
      if (next === '"' || next === '\\' || next === '$' || next === '`') {
        append(next);
        i += 2;
        continue;
      }
      append('\\');
      i += 1;
      continue;
    }
    if (c === '`') fail(`backtick at offset ${i} (command substitution is not supported)`);
    if (c === '$') checkDollar(text, i, fail);
    append(c);
    i += 1;
  }
  return fail(`unbalanced double quote at offset ${open}`);
}

/** Refuses `$` where a shell would expand (`$(…)`, `${…}`, `$NAME`, `$1`, `$?`); a lone `$` is text. */
function checkDollar(text: string, i: number, fail: (msg: string) => never): void {
  const next = text[i + 1] ?? '';
  if (next === '(') fail(`"$(" at offset ${i} (command substitution is not supported)`);
  if (next === '{') fail(`"\${" at offset ${i} (parameter expansion is not supported)`);
  const name = /^(?:[A-Za-z_][A-Za-z0-9_]*|[0-9?!#@*$-])/.exec(text.slice(i + 1, i + 65));
  if (name) fail(`"$${name[0]}" at offset ${i} (variable expansion is not supported; write \\$ for a literal dollar)`);
}

function lineBreakLength(text: string, i: number): number {
  if (text[i] === '\n') return 1;
  if (text[i] === '\r' && text[i + 1] === '\n') return 2;
  return 0;
}
