import { describe, expect, it } from 'vitest';
import { AppError } from '../platform/errors.ts';
import { checkArguments } from './argument-policy.ts';
import { splitCommandLine } from './command-line.ts';

const inputKeys = ['in_x', 'in_y', 'in_list', 'in_srt', 'in_txt', 'in_font', 'in_logo', 'in_cube'];
const outputKeys = ['out_r', 'out_log'];

function check(command: string, loc?: (string | number)[]): void {
  checkArguments(splitCommandLine(command), { inputKeys, outputKeys, loc });
}

function refusal(command: string): AppError {
  try {
    check(command);
  } catch (err) {
    expect(err).toBeInstanceOf(AppError);
    return err as AppError;
  }
  throw new Error(`accepted: ${command}`);
}

describe('checkArguments cost', () => {
  it('stays linear on long values (a 1 MB run of blanks is checked quickly, not in minutes)', () => {
    const started = performance.now();
    expect(() => check(`-i {{in_x}} -metadata:s:0 x=1 -title "${' '.repeat(1_000_000)}x" {{out_r}}`)).not.toThrow();
    expect(performance.now() - started).toBeLessThan(5_000);
  });
});

describe('checkArguments refuses', () => {
  // [command, text the refusal must name: the offending argument, option or character]
  it.each([
    ['-i /etc/passwd {{out_r}}', '"/etc/passwd"'],
    // FFmpeg would take the -format_whitelist put before every -i as tag's value.
    ['-f null -tag:v -i {{in_list}} -c copy {{out_r}}', 'argument 4 "-i": "-i" cannot be the value of another option'],
    ['-i {{in_x}} -metadata -i {{in_list}} {{out_r}}', 'argument 4 "-i": "-i" cannot be the value'],
    // -autorotate takes a value in FFmpeg 5 and 6: listed as a flag, it let the whitelist become its value.
    ['-autorotate -i {{in_list}} -c copy {{out_r}}', 'argument 2 "-i": "-i" cannot be the value of another option'],
    ['-i {{in_x}} -autoscale -i {{in_list}} {{out_r}}', 'argument 4 "-i": "-i" cannot be the value'],
    // hls with append_list reads the playlist already at its output, and deletes what it names.
    ['-i {{in_x}} -f hls -hls_flags append_list+delete_segments {{out_r}}', 'argument 6 "append_list+delete_segments": hls_flags append_list'],
    ['-i {{in_x}} -f fifo -fifo_format hls -format_opts hls_flags=+append_list {{out_r}}', 'hls_flags=+append_list'],
    ['-i {{in_x}} -f tee "[f=hls:hls_flags=append_list]list.m3u8"', 'append_list (reading an existing playlist)'],
    ['-i {{in_x}} -vf "sws_flags=bicubic:x=/etc/passwd;scale=2:2" {{out_r}}', 'sws_flags: absolute paths'],
    // FFmpeg matches "sdl,sdl2" against the sdl2 muxer's own name list, and names without case.
    ['-i {{in_x}} -f "sdl,sdl2" {{out_r}}', 'format "sdl,sdl2" opens a device'],
    ['-i {{in_x}} -f SDL2 {{out_r}}', 'format "sdl2" opens a device'],
    ['-f "video4linux2,v4l2" -i {{in_x}} {{out_r}}', 'format "video4linux2,v4l2" opens a device'],
    // movie opens its file with no format whitelist: a concat list would open its entries unchecked.
    ['-f lavfi -i "movie={{in_list}}:f=concat" {{out_r}}', 'format "concat" opens the files its list names'],
    ['-i {{in_x}} -vf "movie=filename={{in_list}}:format_name=Concat" {{out_r}}', 'format "concat" opens the files its list names'],
    ['-f lavfi -i "amovie={{in_list}}:f=HLS" {{out_r}}', 'input format "HLS" opens files named inside its input'],
    // FFmpeg takes flags as numbers and expressions too: append_list is 64.
    ['-i {{in_x}} -c copy -f hls -hls_flags 66 -hls_list_size 1 {{out_r}}', 'argument 8 "66": hls_flags must name its flags'],
    ['-i {{in_x}} -f hls -hls_flags 0x40 {{out_r}}', 'hls_flags must name its flags'],
    ['-i {{in_x}} -f hls -hls_flags +64+delete_segments {{out_r}}', 'hls_flags must name its flags'],
    ['-i {{in_x}} -f hls -hls_flags "omit_endlist*4" {{out_r}}', 'hls_flags must name its flags'],
    ['-i {{in_x}} -f fifo -fifo_format hls -format_opts "hls_time=2:hls_flags=2*32" {{out_r}}', 'hls_flags must name its flags'],
    // A dictionary-valued option sets options by name: a forbidden one is refused there too.
    ['-i {{in_x}} -c copy -f fifo -fifo_format hls -format_opts hls_key_info_file={{in_y}} {{out_r}}', 'option hls_key_info_file lets FFmpeg open files'],
    ['-i {{in_x}} -f fifo -fifo_format hls -format_opts "hls_time=2:hls\\_key_info_file=k.txt" {{out_r}}', 'option hls_key_info_file'],
    ['-i {{in_x}} -f segment -segment_format_options "protocol_whitelist=file,http" seg%d.ts', 'protocol'],
    // hls and dash write their segments beside the output: beside /dev/null, that is /dev.
    ['-i {{in_x}} -c:v libx264 -f hls -hls_flags temp_file /dev/null', '"/dev/null": /dev/null is allowed only with -f null or a single-file format'],
    ['-i {{in_x}} -c:v libx264 -f dash /dev/null', '/dev/null is allowed only with'],
    ['-i {{in_x}} -an /dev/null', '/dev/null is allowed only with'],
    ['-i file:/etc/passwd {{out_r}}', '"file:/etc/passwd"'],
    ['-i "concat:a.mp4|/etc/passwd" {{out_r}}', '"concat:a.mp4|/etc/passwd"'],
    ['-i subfile:,,start,0,end,100,,:/etc/passwd {{out_r}}', '"subfile:,,start,0,end,100,,:/etc/passwd"'],
    ['-i "subfile,,start,0,end,100,,:/etc/passwd" {{out_r}}', '"subfile,,start,0,end,100,,:/etc/passwd"'],
    ['-i "data:text/plain;base64,aGk=" {{out_r}}', '"data:text/plain;base64,aGk="'],
    ['-i tcp://127.0.0.1:80 {{out_r}}', '"tcp://127.0.0.1:80"'],
    ['-i http://169.254.169.254/ {{out_r}}', '"http://169.254.169.254/"'],
    ['-i https://example.com/a.mp4 {{out_r}}', '"https://example.com/a.mp4"'],
    ['-i ftp://example.com/a.mp4 {{out_r}}', '"ftp://example.com/a.mp4"'],
    ['-i unix:/var/run/docker.sock {{out_r}}', '"unix:/var/run/docker.sock"'],
    ['-i fd:3 {{out_r}}', '"fd:3"'],
    ['-i cache:http://x/a {{out_r}}', '"cache:http://x/a"'],
    ['-i hls+http://x/a.m3u8 {{out_r}}', '"hls+http://x/a.m3u8"'],
    ['-i pipe:0 {{out_r}}', '"pipe:0"'],
    ['-i - {{out_r}}', 'argument 2 "-": reading standard input'],
    ['-i C:\\\\Windows\\\\win.ini {{out_r}}', '"C:\\Windows\\win.ini"'],
    ['-i a/../../b.mp4 {{out_r}}', '"a/../../b.mp4"'],
    ['-i sub/a.mp4 {{out_r}}', '"sub/a.mp4"'],
    ['-i ~/x.mp4 {{out_r}}', '"~/x.mp4"'],
    ['-i {{in_x}} ~/x.mp4', '"~/x.mp4"'],
    ['-f lavfi -i movie=/etc/passwd {{out_r}}', '"movie=/etc/passwd"'],
    ['-i {{in_x}} -f lavfi -i "amovie=/dev/zero" -shortest {{out_r}}', '"amovie=/dev/zero"'],
    ['-f lavfi -i "color=s=2x2,movie=x.mp4" {{out_r}}', '"color=s=2x2,movie=x.mp4"'],
    ['-i {{in_x}} -vf movie=/etc/passwd {{out_r}}', '"movie=/etc/passwd"'],
    ['-i {{in_x}} -vf "subtitles=/etc/passwd" {{out_r}}', '"subtitles=/etc/passwd"'],
    ['-i {{in_x}} -vf subtitles=../../etc/passwd {{out_r}}', '"subtitles=../../etc/passwd"'],
    ['-i {{in_x}} -vf "subtitles=f=/etc/passwd" {{out_r}}', '"subtitles=f=/etc/passwd"'],
    ['-i {{in_x}} -vf "subtitles={{in_srt}}:fontsdir=/usr/share/fonts" {{out_r}}', 'fontsdir'],
    ['-i {{in_x}} -vf "subtitles=local.srt" {{out_r}}', '"subtitles=local.srt"'],
    ['-i {{in_x}} -vf "ass=/etc/x.ass" {{out_r}}', '"ass=/etc/x.ass"'],
    ['-i {{in_x}} -vf "drawtext=textfile=/etc/passwd" {{out_r}}', '"drawtext=textfile=/etc/passwd"'],
    ['-i {{in_x}} -vf "drawtext=fontfile=/etc/x.ttf:text=a" {{out_r}}', '"drawtext=fontfile=/etc/x.ttf:text=a"'],
    ['-i {{in_x}} -vf "drawtext=/etc/x.ttf:a" {{out_r}}', 'fontfile'],
    ['-i {{in_x}} -vf "drawtext=text=a:textfile=notes.txt" {{out_r}}', 'textfile'],
    ['-i {{in_x}} -vf "drawtext=/text=notes.txt" {{out_r}}', '"drawtext=/text=notes.txt"'],
    ['-i {{in_x}} -vf "movie=file\\:/etc/passwd" {{out_r}}', '"movie=file\\:/etc/passwd"'],
    [`-i {{in_x}} -vf "movie='file\\:/etc/passwd'" {{out_r}}`, "\"movie='file\\:/etc/passwd'\""],
    ['-i {{in_x}} -vf "movie=http\\\\://x/a.mp4" {{out_r}}', 'movie='],
    ['-i {{in_x}} -vf "movie={{in_logo}}:format_opts=protocol_whitelist=http" {{out_r}}', 'format_opts'],
    ['-i {{in_x}} -vf "movie={{in_list}}:f=concat:format_opts=safe=0" {{out_r}}', 'format_opts'],
    ['-i {{in_x}} -vf "movie={{in_list}}:hls" {{out_r}}', '"hls"'],
    ['-i {{in_x}} -af "amovie=default:f=alsa" {{out_r}}', 'amovie=default:f=alsa'],
    ['-i {{in_x}} -af "amovie={{in_y}}:f=pulse" {{out_r}}', '"pulse"'],
    ['-i {{in_x}} -vf "scale=2:2,movie@m=x.png [l];[0][l]overlay" {{out_r}}', 'movie@m=x.png'],
    ['-i {{in_x}} -filter_complex "[0:v]split[a][b];[b]movie=/x.mp4[c]" {{out_r}}', 'movie=/x.mp4'],
    ['-i {{in_x}} -filter:v "lut3d=file=/x.cube" {{out_r}}', '"lut3d=file=/x.cube"'],
    ['-i {{in_x}} -vf "lut3d=/x.cube" {{out_r}}', '"lut3d=/x.cube"'],
    ['-i {{in_x}} -vf "sendcmd=f=/etc/passwd" {{out_r}}', '"sendcmd=f=/etc/passwd"'],
    [`-i {{in_x}} -vf "sendcmd=c='0 drawtext reinit textfile=x',drawtext=text=a" {{out_r}}`, 'sendcmd'],
    ['-i {{in_x}} -af "ladspa=file=/x.so" {{out_r}}', '"ladspa=file=/x.so"'],
    ['-i {{in_x}} -vf frei0r=distort0r:0.5 {{out_r}}', '"frei0r=distort0r:0.5"'],
    ['-i {{in_x}} -af lv2=p=http\\\\://x {{out_r}}', 'lv2'],
    ['-i {{in_x}} -vf zmq {{out_r}}', '"zmq"'],
    ['-i {{in_x}} -vf "ocr=datapath=/usr/share/tessdata" {{out_r}}', 'ocr'],
    ['-i {{in_x}} -af "sofalizer=sofa=/x.sofa" {{out_r}}', 'sofalizer'],
    ['-i {{in_x}} -i {{in_y}} -lavfi "libvmaf=log_path=/tmp/x.json" -f null -', 'libvmaf'],
    ['-i {{in_x}} -i {{in_y}} -lavfi "psnr=stats_file=psnr.log" -f null -', 'psnr'],
    ['-i {{in_x}} -vf "drawtext=text=a:enable=1,scale=w=2:h=2:eval=/x" {{out_r}}', 'scale=w=2:h=2:eval=/x'],
    [`-i {{in_x}} -vf "fade=t=in:color='concat\\:x'" {{out_r}}`, 'protocol "concat:"'],
    ['-i {{in_x}} -vf "curves=psfile=/x.acv" {{out_r}}', '"curves=psfile=/x.acv"'],
    ['-i {{in_x}} -vf "curves=vintage:plot=plot.gp" {{out_r}}', 'plot'],
    ['-i {{in_x}} -vf "nnedi=weights.bin" {{out_r}}', 'weights'],
    ['-i {{in_x}} -vf "ocv=dilate" {{out_r}}', '"ocv=dilate"'],
    ['-i {{in_x}} -vf "paletteuse=bayer:1:rgb:0:128:debug.dot" {{out_r}}', 'key=value'],
    ['-i {{in_x}} -vf "scale=640:-2[a" {{out_r}}', '"scale=640:-2[a"'],
    ['-i {{in_x}} -filter_complex_script s.txt {{out_r}}', '"-filter_complex_script"'],
    ['-i {{in_x}} -filter_script:v s.txt {{out_r}}', '"-filter_script:v"'],
    ['-i {{in_x}} -/filter_complex f.txt {{out_r}}', '"-/filter_complex"'],
    ['-i {{in_x}} -/vf f.txt {{out_r}}', '"-/vf"'],
    ['-f lavfi -graph_file g.txt -i x {{out_r}}', '"-graph_file"'],
    ['-dump_attachment:t out.ttf -i {{in_x}}', '"-dump_attachment:t"'],
    ['-i {{in_x}} -attach /etc/passwd {{out_r}}', '"-attach"'],
    ['-i {{in_x}} -attach {{in_font}} {{out_r}}', '"-attach"'],
    ['-report -i {{in_x}} {{out_r}}', '"-report"'],
    ['-protocol_whitelist file,http -i {{in_x}} {{out_r}}', '"-protocol_whitelist"'],
    ['-protocol_blacklist file -i {{in_x}} {{out_r}}', '"-protocol_blacklist"'],
    ['-progress http://x -i {{in_x}} {{out_r}}', '"-progress"'],
    ['-i {{in_x}} -vstats_file /tmp/x {{out_r}}', '"-vstats_file"'],
    ['-i {{in_x}} -vstats {{out_r}}', '"-vstats"'],
    ['-i {{in_x}} -sdp_file s.sdp {{out_r}}', '"-sdp_file"'],
    ['-i {{in_x}} -vpre libx264-max {{out_r}}', '"-vpre"'],
    ['-init_hw_device vaapi=va:/dev/dri/renderD128 -i {{in_x}} {{out_r}}', '"-init_hw_device"'],
    ['-stdin -i {{in_x}} {{out_r}}', '"-stdin"'],
    ['-safe 0 -f concat -i {{in_list}} {{out_r}}', '"-safe"'],
    ['-f concat -safe false -i {{in_list}} {{out_r}}', '"-safe"'],
    ['-f alsa -i default {{out_r}}', '"alsa"'],
    ['-f v4l2 -i video0 {{out_r}}', '"v4l2"'],
    ['-f x11grab -i display {{out_r}}', '"x11grab"'],
    ['-i {{in_x}} -f rtp rtp_out', '"rtp"'],
    ['-f hls -i {{in_list}} {{out_r}}', '"{{in_list}}"'],
    ['-f hls -i list.m3u8 {{out_r}}', '"list.m3u8"'],
    ['-i {{in_x}} /tmp/out.mp4', '"/tmp/out.mp4"'],
    ['-i {{in_x}} ../out.mp4', '"../out.mp4"'],
    ['-i {{in_x}} file:out.mp4', '"file:out.mp4"'],
    ['-i {{in_x}} -f mp4 -', 'argument 5 "-"'],
    ['-i {{in_x}} -f null /dev/null {{out_r}}', '"/dev/null"'],
    ['-i {{in_x}} -passlogfile /tmp/pl {{out_r}}', '"/tmp/pl"'],
    ['-i {{in_x}} -hls_segment_filename /tmp/s%d.ts {{out_r}}', '"/tmp/s%d.ts"'],
    // The lavfi input's own graph option is a filter graph too (a quote and a blank hid the path).
    ['-f lavfi -graph "amovie=\'\' /etc/passwd:f=u8" -i x {{out_r}}', '"amovie=\'\' /etc/passwd:f=u8"'],
    ['-f lavfi -dumpgraph 1 -i "anullsrc" {{out_r}}', '-dumpgraph'],
    // libx264 reads -x264-params as key=value pairs, trimming blanks and dropping backslashes.
    ["-i {{in_x}} -c:v libx264 -x264-params 'pass=1:stats= /var/tmp/x.log' {{out_r}}", '"pass=1:stats= /var/tmp/x.log"'],
    ["-i {{in_x}} -c:v libx264 -x264-params 'pass=1:stats=.\\./.\\./x.log' {{out_r}}", 'pass=1:stats='],
    ['-i {{in_x}} -hls_segment_filename sub/s%d.ts {{out_r}}', '"sub/s%d.ts"'],
    ['-i {{in_x}} -x264-params stats=/tmp/x.log {{out_r}}', '"stats=/tmp/x.log"'],
    ['-i {{in_x}} -x265-params csv=../x.csv {{out_r}}', '"csv=../x.csv"'],
    ['-i {{in_x}} -hwaccel_device /dev/dri/renderD128 {{out_r}}', '"-hwaccel_device"'],
    // An uploaded library loaded by the OpenMAX encoder would run as code (a review ran one as root).
    ['-i {{in_x}} -c:v h264_omx -omx_libname ./{{in_y}} {{out_r}}', '-omx_libname'],
    ['-i {{in_x}} -c:v h264_omx -omx_libprefix . {{out_r}}', '-omx_libprefix'],
    ['-i {{in_x}} -c:v h264_omx {{out_r}}', 'codec "h264_omx"'],
    ['-i {{in_x}} -vcodec h264_V4L2M2M {{out_r}}', 'codec "h264_V4L2M2M"'],
    ['-i {{in_x}} -c:a:0 aac_mf {{out_r}}', 'codec "aac_mf"'],
    ['-hwaccel vaapi -i {{in_x}} {{out_r}}', 'hardware acceleration'],
    ['-hwaccel auto -i {{in_x}} {{out_r}}', 'hardware acceleration'],
    ['-i {{in_x}} -c:v libx264 -x264-params omx_libname=x {{out_r}}', 'omx_libname'],
    // A filter reading a file this same run writes would see bytes no check has seen (a playlist).
    ['-i {{in_x}} -f u8 {{out_r}} -vf "nullsink;movie={{out_r}}" {{out_log}}', '{{out_r}} is an output'],
    ['-i {{in_x}} -f u8 {{in_y}} -vf "movie={{in_y}}" {{out_log}}', '{{in_y}} is written by this same command'],
    ['-i {{in_x}} -f hls -hls_segment_filename {{in_y}} {{out_r}} -af "amovie={{in_y}}" x.wav', '{{in_y}} is written by this same command'],
    ['-f lavfi -i "movie={{out_r}}" {{out_r}}', '{{out_r}} is an output'],
    // A scratch output under an output's file name (x.m3u8 for out_pl) is the same file: no filter
    // reads an output, in any command (a review read a host file this way).
    ['-f u8 -i {{in_x}} -f u8 x.m3u8 -vf "nullsink;movie={{out_r}}" {{out_log}}', '{{out_r}} is an output'],
    // Variant names replace %v in file names after every check (a review wrote outside the work dir).
    ['-i {{in_x}} -f hls -var_stream_map " v:0,name:./." -hls_segment_filename a%v%vx {{out_r}}', 'var_stream_map names'],
    ['-i {{in_x}} -f hls -var_stream_map "v:0,name:tp:127.0.0.1:9/x" -hls_segment_filename ht%v%d.ts {{out_r}}', 'var_stream_map names'],
    ['-i {{in_x}} -f fifo -fifo_format hls -format_opts "var_stream_map=v\\:0,name\\:tp\\:127.0.0.1\\:9/x:hls_segment_filename=ht%v%d.ts" {{out_r}}', 'var_stream_map names'],
    // Written by a filter (metadata's print file) and read by movie= in another graph of the run.
    ['-i {{in_x}} -vf "metadata=mode=print:file={{in_y}}" -f null - -vf "movie={{in_y}}" {{out_r}}', '{{in_y}} is written by this same command'],
    ['-i {{in_x}} -vf "vidstabdetect=result={{out_log}},movie={{out_log}}" {{out_r}}', '{{out_log}} is an output'],
    // Inside key=value lists (a review reached a host port from each): a protocol after "key=",
    // which needs no "//", and a device format chosen for a nested muxer.
    ['-i {{in_x}} -c copy -f fifo -fifo_format hls -format_opts "hls_segment_filename=\'http:127.0.0.1:9/leak%d.ts\'" {{out_r}}', 'protocol "http:"'],
    ['-i {{in_x}} -f segment -segment_format hls -segment_format_options "hls_segment_filename=tcp:127.0.0.1:9" {{out_r}}', 'protocol "tcp:"'],
    ['-i {{in_x}} -c copy -f fifo -format_opts "segment_list=\'udp:127.0.0.1:9\'" {{out_r}}', 'protocol "udp:"'],
    ['-i {{in_x}} -f fifo -fifo_format pulse -format_opts "server=127.0.0.1\\:9" {{out_r}}', 'format "pulse"'],
    ['-i {{in_x}} -f fifo -fifo_format xv {{out_r}}', 'format "xv"'],
    ['-i {{in_x}} -f segment -segment_format sap {{out_r}}', 'format "sap"'],
    ['-i {{in_x}} -f fifo -fifo_format mp4 -format_opts "fifo_format=alsa" {{out_r}}', 'format "alsa"'],
    // "max" sets every hls flag, append_list and delete_segments with it (a review deleted a host file).
    ['-i {{in_x}} -f hls -hls_flags max-single_file-temp_file {{out_r}}', 'hls_flags may only name hls flags, not "max"'],
    ['-i {{in_x}} -f hls -hls_flags +all {{out_r}}', 'not "all"'],
    ['-i {{in_x}} -f fifo -fifo_format hls -format_opts "hls_flags=default" {{out_r}}', 'not "default"'],
    // GPU filters open a device of their own.
    ['-i {{in_x}} -vf hwupload_cuda,scale_cuda=640:360,hwdownload {{out_r}}', 'filter "hwupload_cuda" is not allowed'],
    ['-i {{in_x}} -vf libplacebo=w=640:h=360 {{out_r}}', 'filter "libplacebo" is not allowed'],
    ['-i {{in_x}} -vf "format=nv12,scale_vaapi=w=640" {{out_r}}', 'filter "scale_vaapi" is not allowed'],
    ['-enable_drefs 1 -i {{in_x}} {{out_r}}', '"-enable_drefs"'],
    ['-allowed_extensions ALL -i {{in_x}} {{out_r}}', '"-allowed_extensions"'],
    ['-i {{in_x}} -f hls -hls_key_info_file {{in_y}} {{out_r}}', '"-hls_key_info_file"'],
    ['-f vapoursynth -i {{in_x}} {{out_r}}', '"vapoursynth"'],
    ['-sources pulse', '"-sources"'],
    ['-i {{in_x}} -hls_base_url http://x/ {{out_r}}', '"http://x/"'],
    ['-i {{in_x}} -- -out.mp4', '"--"'],
    ['-i {{in_nope}} {{out_r}}', '{{in_nope}}'],
    ['-i {{in_x}} -vf subtitles={{in_nope}} {{out_r}}', '{{in_nope}}'],
    ['-i {{in_x}} {{in_x}}{{out_r}}', '"{{in_x}}{{out_r}}"'],
    ['; rm -rf /', '";"'],
    ['-i {{in_x}} {{out_r}} ; rm -rf /', '";"'],
    ['| cat /etc/passwd', '"|"'],
    ['-i $(id) {{out_r}}', '"$("'],
    ['-i `id` {{out_r}}', 'backtick'],
    ['-i {{in_x}} {{out_r}} > /etc/x', '">"'],
    ['-i {{in_x}} {{out_r}} && curl x', '"&"'],
    ['-i {{in_x}}\u0000 {{out_r}}', 'NUL'],
  ])('%s', (command, named) => {
    const err = refusal(command);
    expect(err.code).toBe('VALIDATION_ERROR');
    expect(err.detail?.length).toBeGreaterThan(0);
    expect(err.detail?.map((d) => d.msg).join('\n')).toContain(named);
    expect(err.detail?.[0]?.type).toBe('value_error');
  });

  it('reports every offending argument at the location it is given', () => {
    let err: AppError | undefined;
    try {
      check('-i /etc/passwd -report -vf movie=/x {{out_r}}', ['body', 'ffmpeg_commands', 2]);
    } catch (e) {
      err = e as AppError;
    }
    expect(err?.detail).toEqual([
      { loc: ['body', 'ffmpeg_commands', 2], msg: expect.stringMatching(/^argument 2 "\/etc\/passwd": absolute paths/), type: 'value_error' },
      { loc: ['body', 'ffmpeg_commands', 2], msg: expect.stringMatching(/^argument 3 "-report": option -report writes/), type: 'value_error' },
      { loc: ['body', 'ffmpeg_commands', 2], msg: expect.stringMatching(/^argument 5 "movie=\/x": movie option "filename" must be a declared placeholder/), type: 'value_error' },
    ]);
    expect(err?.message).toMatch(/^The FFmpeg command is not allowed: argument 2 .*\(and 2 more, see detail\)\.$/);
  });
});

describe('checkArguments accepts', () => {
  it.each([
    ['-i {{in_x}} {{out_r}}'],
    ['ffmpeg -y -i {{in_x}} -c:v libx264 -crf 23 -preset fast -c:a aac -b:a 128k {{out_r}}'],
    ['-i {{in_x}} -vf scale=640:-2 {{out_r}}'],
    ['-i {{in_x}} -vf "scale=640:-2,subtitles={{in_srt}}" -c:v libx264 {{out_r}}'],
    ["-i {{in_x}} -vf \"subtitles='{{in_srt}}':force_style='FontName=DejaVu Sans,Fontsize=24'\" {{out_r}}"],
    ['-i {{in_x}} -vf "subtitles=filename=<<in_srt>>:si=0" {{out_r}}'],
    ['-ss 00:00:01.5 -t 2 -i {{in_x}} -c copy {{out_r}}'],
    ['-i {{in_x}} -i {{in_y}} -map 0:v:0 -map 1:a -map 0:s? -c copy -shortest {{out_r}}'],
    ['-i {{in_x}} -i {{in_y}} -filter_complex "[0:v][1:v]overlay=10:10[v]" -map "[v]" -map 0:a? {{out_r}}'],
    ['-i {{in_x}} -i {{in_logo}} -filter_complex "[1]scale=iw/2:-1[l];[0][l]overlay=(W-w)/2:(H-h)/2" {{out_r}}'],
    ["-i {{in_x}} -vf \"drawtext=text='Hello, world':fontsize=24:x=10:y=10\" {{out_r}}"],
    ["-i {{in_x}} -vf \"drawtext=text='https\\://example.com /a':fontcolor=white\" {{out_r}}"],
    ['-i {{in_x}} -vf "drawtext=textfile={{in_txt}}:fontfile={{in_font}}:fontsize=20" {{out_r}}'],
    ['-i {{in_x}} -vf "movie={{in_logo}}[l];[in][l]overlay=5:5" {{out_r}}'],
    ['-i {{in_x}} -vf lut3d={{in_cube}} {{out_r}}'],
    ['-f lavfi -i color=c=black:s=320x240:d=1 {{out_r}}'],
    ['-f lavfi -i "sine=frequency=1000:duration=2" -f lavfi -i anullsrc=r=48000:cl=stereo -t 1 {{out_r}}'],
    ['-f lavfi -i "movie={{in_logo}},scale=2:2" {{out_r}}'],
    ['-i {{in_x}} -metadata title="My: title" -metadata:s:a:0 language=eng -metadata comment=https://x/a {{out_r}}'],
    ['-i {{in_x}} -movflags +faststart -pix_fmt yuv420p {{out_r}}'],
    ["-i {{in_x}} -vf \"select='eq(n\\,0)'\" -frames:v 1 {{out_r}}"],
    ['-i {{in_x}} -vf select=eq(n\\\\,0) -vsync vfr -q:v 2 {{out_r}}'],
    ['-i temp.mp4 -c copy {{out_r}}'],
    ['-i {{in_x}} -c copy temp_01.mp4'],
    ['-i <<in_x>> <<out_r>>'],
    ['-i \\{\\{in_x\\}\\} \\{\\{out_r\\}\\}'],
    ['-i "\\{\\{in_x\\}\\}" -vf "subtitles=\\{\\{in_srt\\}\\}" "\\{\\{out_r\\}\\}"'],
    ['-i {{in_x}} -f null -'],
    ['-y -nostdin -hide_banner -loglevel error -i {{in_x}} -an -sn -f null /dev/null'],
    ['-i {{in_x}} -c:v libx264 -b:v 1M -pass 1 -passlogfile pass -an -f mp4 /dev/null'],
    ['-f concat -i {{in_list}} -c copy {{out_r}}'],
    ['-f concat -safe 1 -i {{in_list}} -c copy {{out_r}}'],
    ['-i {{in_x}} -force_key_frames "expr:gte(t,n_forced*2)" -r 30000/1001 -aspect 16:9 {{out_r}}'],
    ['-itsoffset -1.5 -stream_loop 1 -i {{in_x}} -map_metadata -1 -strict -2 {{out_r}}'],
    ['-i {{in_x}} -x264-params keyint=60:min-keyint=60:scenecut=0 -tag:v avc1 {{out_r}}'],
    ['-i {{in_x}} -af "loudnorm=I=-16:TP=-1.5:LRA=11,aresample=async=1,atempo=1/1.25" {{out_r}}'],
    ['-i {{in_x}} -af "pan=stereo|c0=c0|c1=c0" -ac 2 -ar 44100 {{out_r}}'],
    ['-i {{in_x}} -c:v libx264 -f hls -hls_time 4 -hls_playlist_type vod -hls_segment_filename "seg_%03d.ts" {{out_r}}'],
    ['-framerate 25 -i frame_%03d.png -c:v libx264 {{out_r}}'],
    ['-pattern_type glob -i "frame_*.png" {{out_r}}'],
    ['-i {{in_x}} -vf fps=1 thumb_%03d.jpg'],
    ['-i {{in_x}} -vf "sws_flags=bicubic;scale=2:2" -af volume=0.5 {{out_r}}'],
    ['-i {{in_x}} -i {{in_y}} -lavfi "psnr=stats_file={{out_log}}" -f null -'],
    ['-i {{in_x}} -vf "vidstabdetect=result={{out_log}}" -f null -'],
    ['-i {{in_x}} -map 0:v -map 0:v -c:v libx264 -f hls -var_stream_map "v:0,name:low v:1,name:high" -hls_segment_filename seg_%v_%d.ts {{out_r}}'],
    ['-i {{in_x}} -vf "movie={{in_y}},scale=2:2" -vf "subtitles={{in_srt}}:force_style=\'Fontsize=24\'" {{out_r}}'],
    ['-i {{in_x}} -af "ametadata=print:key=lavfi.r128.I:file={{out_log}},ebur128=metadata=1" -f null -'],
    ['-noautorotate -i {{in_x}} -vf "drawbox=color=#ff0000@0.5:t=fill,fade=t=in:st=0:d=1" {{out_r}}'],
    ['-autorotate 0 -i {{in_x}} -autoscale 0 -s 320x240 {{out_r}}'],
    ['-i {{in_x}} -c:v libx264 -pass 1 -passlogfile pass -an -f 3gp /dev/null'],
    ['-i {{in_x}} -c copy -f fifo -fifo_format hls -format_opts "hls_time=2:hls_flags=+independent_segments" {{out_r}}'],
    ['-i {{in_x}} -c:v libx264 -x264-params "keyint=60:min-keyint=60:scenecut=0" -f fifo -fifo_format mp4 -format_opts "movflags=+faststart" {{out_r}}'],
    ['-i {{in_x}} -f hls -hls_flags delete_segments+independent_segments -hls_list_size 3 {{out_r}}'],
  ])('%s', (command) => {
    expect(() => check(command)).not.toThrow();
  });

  it('does not mistake Object.prototype names for table entries', () => {
    expect(() => check('-i {{in_x}} -constructor x -toString y -vf "movie={{in_logo}}:toString=1" {{out_r}}')).not.toThrow();
  });
});
