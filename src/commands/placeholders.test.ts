import { describe, expect, it } from 'vitest';
import { AppError } from '../platform/errors.ts';
import {
  checkPlaceholders,
  exactPlaceholderKey,
  findPlaceholders,
  isValidOutputFilename,
  placeholderAt,
  substitutePlaceholders,
} from './placeholders.ts';

describe('findPlaceholders', () => {
  it('finds the three spellings, unique and in order of first use', () => {
    const command = String.raw`-i {{in_video}} -i <<in_audio>> -vf "subtitles=\{\{in_srt\}\}" {{out_result}} -i {{in_video}}`;
    expect(findPlaceholders(command)).toEqual(['in_video', 'in_audio', 'in_srt', 'out_result']);
  });

  it('reports things that look like placeholders but name invalid keys', () => {
    expect(findPlaceholders('-i {{foo}} -i {{in-x}} -i <<in.x>> {{out_}}')).toEqual(['foo', 'in-x', 'in.x', 'out_']);
  });

  it('ignores prose and half placeholders', () => {
    expect(findPlaceholders(`-vf "drawtext=text='{{a b}} <<c d>>'" -i {{in_x o.mp4`)).toEqual([]);
  });
});

describe('exactPlaceholderKey / placeholderAt', () => {
  it.each([
    ['{{in_a}}', 'in_a'], ['<<out_b>>', 'out_b'], [String.raw`\{\{in_c\}\}`, 'in_c'], ['{{foo}}', 'foo'],
    ['x{{in_a}}', undefined], ['{{in_a}}.mp4', undefined], ['{{in_a}}{{in_b}}', undefined], ['{{in_a}', undefined],
  ])('%s → %s', (arg, key) => {
    expect(exactPlaceholderKey(arg)).toBe(key);
  });

  it('matches only at the given index', () => {
    expect(placeholderAt('a <<in_x>> b', 2)).toBe('<<in_x>>');
    expect(placeholderAt('a <<in_x>> b', 1)).toBeUndefined();
  });
});

describe('isValidOutputFilename', () => {
  it.each(['result.mp4', 'a.b.mkv', 'clip_01-final.webm', 'x.M4A', `${'a'.repeat(196)}.mp4`])('accepts %s', (name) => {
    expect(isValidOutputFilename(name)).toBe(true);
  });
  it.each([
    'result', '.mp4', '-x.mp4', 'a/b.mp4', '../a.mp4', 'a b.mp4', 'a.mp4 ', 'a.', 'a.toolongextens', 'a.m_4',
    `${'a'.repeat(197)}.mp4`, 'ü.mp4', '',
  ])('refuses %j', (name) => {
    expect(isValidOutputFilename(name)).toBe(false);
  });
});

describe('checkPlaceholders', () => {
  it('accepts a command that uses every declared key', () => {
    expect(checkPlaceholders(['-i {{in_a}} -vf subtitles=<<in_s>> {{out_r}}'], ['in_a', 'in_s'], ['out_r'], ['body', 'ffmpeg_command'])).toEqual([]);
  });

  it('names undeclared placeholders, input and output', () => {
    const problems = checkPlaceholders(['-i {{in_a}} -i {{in_x}} {{out_y}}'], ['in_a'], [], ['body', 'ffmpeg_command']);
    expect(problems).toEqual([
      { loc: ['body', 'ffmpeg_command'], msg: 'placeholder {{in_x}} is not declared in input_files', type: 'value_error' },
      { loc: ['body', 'ffmpeg_command'], msg: 'placeholder {{out_y}} is not declared in output_files', type: 'value_error' },
    ]);
  });

  it('names invalid keys as unknown placeholders', () => {
    const problems = checkPlaceholders(['-i {{in_a}} -i {{foo}} <<in-x>> {{out_r}}'], ['in_a'], ['out_r'], ['body', 'ffmpeg_command']);
    expect(problems.map((p) => p.msg)).toEqual([
      expect.stringMatching(/^unknown placeholder \{\{foo\}\}/),
      expect.stringMatching(/^unknown placeholder \{\{in-x\}\}/),
    ]);
  });

  it('names declared keys that are never used', () => {
    const problems = checkPlaceholders(['-i {{in_a}} {{out_r}}'], ['in_a', 'in_y'], ['out_r', 'out_z'], ['body', 'ffmpeg_command']);
    expect(problems).toEqual([
      { loc: ['body', 'input_files', 'in_y'], msg: 'in_y is declared but never used', type: 'value_error' },
      { loc: ['body', 'output_files', 'out_z'], msg: 'out_z is declared but never used', type: 'value_error' },
    ]);
  });

  it('counts a key used in any command of a chain, and locates problems by command index', () => {
    const chain = ['-i {{in_a}} -c copy temp.mp4', '-i temp.mp4 -vf scale=2:2 temp2.mp4', '-i temp2.mp4 -i {{in_b}} {{out_r}} {{in_q}}'];
    const problems = checkPlaceholders(chain, ['in_a', 'in_b', 'in_unused'], ['out_r'], ['body', 'ffmpeg_commands']);
    expect(problems).toEqual([
      { loc: ['body', 'ffmpeg_commands', 2], msg: 'placeholder {{in_q}} is not declared in input_files', type: 'value_error' },
      { loc: ['body', 'input_files', 'in_unused'], msg: 'in_unused is declared but never used', type: 'value_error' },
    ]);
  });

  it('appends the command field to a body prefix', () => {
    expect(checkPlaceholders(['{{in_x}}'], [], [], ['body', 'commands', 1])[0]?.loc).toEqual(['body', 'commands', 1, 'ffmpeg_command']);
    expect(checkPlaceholders(['x', '{{in_x}}'], [], [], ['body'])[0]?.loc).toEqual(['body', 'ffmpeg_commands', 1]);
    expect(checkPlaceholders(['{{in_x}}'], [], [], ['body'], 'ffmpeg_commands')[0]?.loc).toEqual(['body', 'ffmpeg_commands', 0]);
  });
});

describe('substitutePlaceholders', () => {
  const names = { in_video: 'in_video.mp4', in_srt: 'in_srt.srt', out_result: 'result.mp4' };

  it.each([
    ['{{in_video}}', 'in_video.mp4'],
    ['<<in_video>>', 'in_video.mp4'],
    [String.raw`\{\{in_video\}\}`, 'in_video.mp4'],
    ['subtitles={{in_srt}}', 'subtitles=in_srt.srt'],
    ["scale=640:-2,subtitles='<<in_srt>>':force_style=x", "scale=640:-2,subtitles='in_srt.srt':force_style=x"],
    ['{{out_result}}', 'result.mp4'],
    ['no placeholder', 'no placeholder'],
  ])('%s → %s', (arg, expected) => {
    expect(substitutePlaceholders(arg, names)).toBe(expected);
  });

  it('refuses a placeholder that has no name', () => {
    expect(() => substitutePlaceholders('{{in_other}}', names)).toThrow(AppError);
    expect(() => substitutePlaceholders('{{toString}}', names)).toThrow(/toString/);
  });
});
