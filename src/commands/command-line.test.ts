import { describe, expect, it } from 'vitest';
import { AppError } from '../platform/errors.ts';
import { splitCommandLine } from './command-line.ts';

function refusal(command: string): AppError {
  try {
    splitCommandLine(command);
  } catch (err) {
    expect(err).toBeInstanceOf(AppError);
    return err as AppError;
  }
  throw new Error(`accepted: ${command}`);
}

describe('splitCommandLine', () => {
  it.each([
    ['-i a.mp4 out.mp4', ['-i', 'a.mp4', 'out.mp4']],
    ['ffmpeg -i a.mp4 out.mp4', ['-i', 'a.mp4', 'out.mp4']],
    ['  ffmpeg\t-y \n -i a.mp4\r\n out.mp4  ', ['-y', '-i', 'a.mp4', 'out.mp4']],
    ['-vf "scale=640:-2,format=yuv420p" o.mp4', ['-vf', 'scale=640:-2,format=yuv420p', 'o.mp4']],
    [`-vf 'drawtext=text=a|b' o.mp4`, ['-vf', 'drawtext=text=a|b', 'o.mp4']],
    [`-vf "drawtext=text='a|b; c > d & e'" o.mp4`, ['-vf', "drawtext=text='a|b; c > d & e'", 'o.mp4']],
    [`-metadata title="My: \\"title\\"" o.mp4`, ['-metadata', 'title=My: "title"', 'o.mp4']],
    ['-metadata "comment=costs \\$5 \\\\ \\`x\\`" o', ['-metadata', 'comment=costs $5 \\ `x`', 'o']],
    [`-vf "select='eq(n\\,0)'" -frames:v 1 o.png`, ['-vf', "select='eq(n\\,0)'", '-frames:v', '1', 'o.png']],
    [`-vf select=eq(n\\,0) o.png`, ['-vf', 'select=eq(n,0)', 'o.png']],
    [`-i a\\ b.mp4 o`, ['-i', 'a b.mp4', 'o']],
    [`-i a.mp4 \\\n  -c copy \\\r\n o.mp4`, ['-i', 'a.mp4', '-c', 'copy', 'o.mp4']],
    [`-metadata title="" o`, ['-metadata', 'title=', 'o']],
    [`-metadata "" o`, ['-metadata', '', 'o']],
    [`-i a'b'"c"d o`, ['-i', 'abcd', 'o']],
    ['-metadata "price=$ 5" o', ['-metadata', 'price=$ 5', 'o']],
    ['-i <<in_a>> -i {{in_b}} <<out_c>>', ['-i', '<<in_a>>', '-i', '{{in_b}}', '<<out_c>>']],
    ['-i \\{\\{in_a\\}\\} o', ['-i', '\\{\\{in_a\\}\\}', 'o']],
    ['-vf subtitles=<<in_srt>>:force_style=x o', ['-vf', 'subtitles=<<in_srt>>:force_style=x', 'o']],
    ['-map 0:a? -vf scale=iw*2:-2 o', ['-map', '0:a?', '-vf', 'scale=iw*2:-2', 'o']],
    ['-pattern_type glob -i "*.png" o', ['-pattern_type', 'glob', '-i', '*.png', 'o']],
    ['-filter_complex [0:v][1:v]overlay[v] -map [v] o', ['-filter_complex', '[0:v][1:v]overlay[v]', '-map', '[v]', 'o']],
    ['-vf drawbox=color=#ff0000 o', ['-vf', 'drawbox=color=#ff0000', 'o']],
    ['/usr/bin/ffmpeg -i a o', ['/usr/bin/ffmpeg', '-i', 'a', 'o']],
    ['ffmpeg.exe -i a o', ['ffmpeg.exe', '-i', 'a', 'o']],
  ])('splits %j', (command, argv) => {
    expect(splitCommandLine(command)).toEqual(argv);
  });

  it.each([
    ['-i a.mp4 | cat /etc/passwd', '"|"'],
    ['-i a.mp4; rm -rf /', '";"'],
    ['-i a.mp4 && curl x', '"&"'],
    ['-i a.mp4 & ', '"&"'],
    ['-i a.mp4 > /etc/x', '">"'],
    ['-i a.mp4 >> log', '">"'],
    ['-i < /etc/passwd o', '"<"'],
    ['-i a.mp4 o<<EOF', '"<"'],
    ['-i $(id) o', '"$("'],
    ['-i "$(id)" o', '"$("'],
    ['-i `id` o', 'backtick'],
    ['-i "`id`" o', 'backtick'],
    ['-i ${HOME}/a o', '"${"'],
    ['-i $HOME/a o', '"$HOME"'],
    ['-i "$HOME/a" o', '"$HOME"'],
    ['-i a $1', '"$1"'],
    ['-i a $? o', '"$?"'],
    ['-i *.mp4 o', '"*"'],
    ['-i in?.wav o', '"?"'],
    ['-i a.mp4 o # comment', '"#"'],
    ['-i "a.mp4 o', 'unbalanced double quote'],
    ["-vf 'scale=1:2 o", 'unbalanced single quote'],
    ['-i a.mp4 o\\', 'trailing backslash'],
    ['-i a\u0000b o', 'NUL'],
    ['-i a\u0007 o', 'U+0007'],
    ['', 'empty'],
    [' \n\t ', 'empty'],
    ['ffmpeg', 'no arguments'],
  ])('refuses %j naming %s', (command, named) => {
    const err = refusal(command);
    expect(err.code).toBe('VALIDATION_ERROR');
    expect(err.message).toContain(named);
    expect(err.detail?.[0]?.msg).toContain(named);
    expect(err.detail?.[0]?.loc).toEqual(['body', 'ffmpeg_command']);
  });

  it('reports the location it is given', () => {
    try {
      splitCommandLine('a | b', ['body', 'ffmpeg_commands', 2]);
      expect.unreachable();
    } catch (err) {
      expect((err as AppError).detail?.[0]?.loc).toEqual(['body', 'ffmpeg_commands', 2]);
    }
  });
});
