// The filter-graph half of the argument policy: which filters may open files, and with what values.
import { formatNames, formatProblem, pathProblem, PROTOCOLS, SCHEME, wordSet as set } from './value-rules.ts';

// Filters that read (or write) files, one per line: `names: positional options ; key-only options |
// aliases`. Positional values map to options in FFmpeg's declaration order (values past the list are
// refused, so a version that reorders later options cannot slip one through); `*` marks a file option
// the filter reads and `>` one it writes, whose value must be exactly a declared placeholder.
const FILE_FILTER_SPEC = `
  movie amovie: filename* format_name stream_index seek_point streams loop discontinuity dec_threads format_opts | f=format_name si=stream_index sp=seek_point s=streams
  subtitles: filename* original_size fontsdir* alpha charenc stream_index force_style wrap_unicode | f=filename si=stream_index
  ass: filename* original_size fontsdir* alpha shaping | f=filename
  drawtext: fontfile* text textfile*
  lut3d: file* clut interp
  lut1d: file* interp
  curves: preset master red green blue all psfile* plot> | m=master r=red g=green b=blue
  selectivecolor: correction_method reds yellows greens cyans blues magentas whites neutrals blacks psfile*
  psnr ssim: stats_file> | f=stats_file
  vmafmotion: stats_file>
  metadata ametadata: mode key value function expr file>
  signature: detectmode nb_inputs filename>
  deshake: x y w h rx ry edge blocksize contrast search filename>
  vidstabdetect: result>
  vidstabtransform: input*
  firequalizer: gain gain_entry delay accuracy wfunc fixed multi zero_phase scale dumpfile>
  arnndn: model* | m=model
  removelogo: filename* | f=filename
  cellauto life: filename* | f=filename
  cover_rect: cover*
  find_rect: object*
  fieldhint: hint*
  nnedi: weights*
  sofalizer: sofa*
  flite: list_voices nb_samples text textfile* | n=nb_samples
  asr: rate hmm* dict* lm* lmctl* lmname logfn>
  paletteuse: dither bayer_scale diff_mode new alpha_threshold ; debug_kdtree>
  showcqt: ; fontfile* axisfile*
  dnn_processing: dnn_backend model*
  sr: dnn_backend scale_factor model*
  derain: filter_type dnn_backend model*
  xfade_opencl: transition source*
  program_opencl openclsrc: ; source*
  dnn_classify dnn_detect: ; model* labels*
  ocr: ; datapath*
  libvmaf: ; model_path* log_path>
  qrencode qrencodesrc: ; textfile*
  lensfun: ; db_path*
  libplacebo: ; custom_shader_path*
  whisper: ; model* destination> vad_model*`;
interface FileFilter { order: string[]; files: Set<string>; writes: Set<string>; aliases: Map<string, string> }
const FILE_FILTERS = new Map<string, FileFilter>();
for (const line of FILE_FILTER_SPEC.trim().split('\n')) {
  const [names = '', rest = ''] = line.split(':');
  const [options = '', aliases = ''] = rest.split('|');
  const [positional = ''] = options.split(';');
  const words = (text: string) => text.trim().split(/\s+/).filter(Boolean);
  const rule: FileFilter = {
    order: words(positional).map((w) => w.replace(/[*>]$/, '')),
    files: new Set(words(options.replace(';', ' ')).filter((w) => /[*>]$/.test(w)).map((w) => w.slice(0, -1))),
    writes: new Set(words(options.replace(';', ' ')).filter((w) => w.endsWith('>')).map((w) => w.slice(0, -1))),
    aliases: new Map(words(aliases).map((a) => a.split('=') as [string, string])),
  };
  for (const name of words(names)) FILE_FILTERS.set(name, rule);
}
const MOVIE = FILE_FILTERS.get('movie');
// movie opens its file with no -format_whitelist: a concat list there would open its entries
// (a playlist among them) unchecked. Through -i, concat hands the whitelist on, so it is allowed.
const movieFormatProblem = (format: string) =>
  formatProblem(format) ?? (formatNames(format).includes('concat') ? `format "concat" opens the files its list names` : undefined);
const TEXT_FILTER_OPTIONS = set('drawtext.text');
// Plugins load host code; sendcmd/zmq change any filter's options (drawtext `reinit textfile=...`)
// at run time from text this check cannot see.
const DENIED_FILTERS = set('ladspa lv2 frei0r frei0r_src ocv zmq azmq sendcmd asendcmd hwupload_cuda libplacebo');
// GPU filters (and hwupload_cuda, libplacebo above) open a host device of their own.
const HARDWARE_FILTER = /_(cuda|npp|vulkan|opencl|vaapi|qsv|vdpau|videotoolbox)$/;
const WS = ' \n\t\r';

// Filter graphs are parsed the way libavfilter does (graphparser.c, av_get_token, av_opt_get_key_value).

/** av_get_token: up to a character of `term`; `\` escapes one character, '…' is literal; outer blanks trimmed. */
function getToken(s: string, start: number, term: string): [string, number] {
  let i = start;
  while (i < s.length && WS.includes(s[i] as string)) i++;
  let out = '';
  let keep = 0;
  while (i < s.length && !term.includes(s[i] as string)) {
    const c = s[i++] as string;
    if (c === '\\' && i < s.length) {
      out += s[i++];
      keep = out.length;
    } else if (c === "'") {
      while (i < s.length && s[i] !== "'") out += s[i++];
      if (i < s.length) {
        i++;
        keep = out.length;
      }
    } else out += c;
  }
  let end = out.length;
  while (end > keep && WS.includes(out[end - 1] as string)) end--;
  return [out.slice(0, end), i];
}

function skipLabels(s: string, start: number): number {
  let i = start;
  while (s[i] === '[') {
    const [, close] = getToken(s, i + 1, ']');
    if (s[close] !== ']') return -1;
    i = close + 1;
    while (WS.includes(s[i] ?? '_')) i++;
  }
  return i;
}

/**
 * `onFile` hears the placeholder of every file option, with whether the filter writes it (psnr's
 * stats_file, ...) or reads it (movie=, subtitles=, ...).
 */
export function filterGraphProblem(
  graph: string,
  isPlaceholder: (v: string) => boolean,
  onFile?: (placeholder: string, writes: boolean) => void,
): string | undefined {
  let i = graph.search(/\S|$/);
  if (graph.startsWith('sws_flags=', i)) {
    // FFmpeg appends this text to every scale filter's options: no file option there today, but
    // nothing that names a path or a protocol either.
    const end = graph.indexOf(';', i);
    const problem = pathProblem(graph.slice(i + 'sws_flags='.length, end < 0 ? graph.length : end));
    if (problem) return `sws_flags: ${problem}`;
    i = end + 1 || graph.length;
  }
  while (i < graph.length) {
    i = skipLabels(graph, graph.slice(i).search(/\S|$/) + i);
    if (i < 0) return 'unbalanced "[" in the filter graph';
    const [rawName, afterName] = getToken(graph, i, '=,;[');
    let args: string | undefined;
    [args, i] = graph[afterName] === '=' ? getToken(graph, afterName + 1, '[],;') : [undefined, afterName];
    i = skipLabels(graph, i);
    if (i < 0) return 'unbalanced "[" in the filter graph';
    const name = (rawName.split('@')[0] ?? '').toLowerCase();
    const problem = filterProblem(name, args ?? '', isPlaceholder, onFile);
    if (problem) return problem;
    if (i < graph.length && graph[i] !== ',' && graph[i] !== ';') return `cannot read the filter graph near "${graph.slice(i, i + 20)}"`;
    i++;
  }
  return undefined;
}

function filterProblem(name: string, args: string, isPlaceholder: (v: string) => boolean, onFile?: (placeholder: string, writes: boolean) => void): string | undefined {
  if (DENIED_FILTERS.has(name) || HARDWARE_FILTER.test(name)) return `filter "${name}" is not allowed`;
  const rule = FILE_FILTERS.get(name);
  let position = 0;
  let named = false;
  for (let i = 0; i < args.length; ) {
    const key = /^[ \n\t\r]*([A-Za-z0-9_\-/.]*)[ \n\t\r]*=/.exec(args.slice(i));
    if (key) i += key[0].length;
    const [value, end] = getToken(args, i, ':');
    i = end + 1;
    named ||= key !== null;
    let option = key ? key[1] as string : named ? undefined : (rule ? rule.order[position++] : `#${++position}`);
    if (option === undefined) return `give the options of filter "${name}" as key=value`;
    if (option.startsWith('/')) return `filter option "${option}" reads its value from a file`;
    option = rule?.aliases.get(option) ?? option;
    // movie's demuxer choice and options could turn a placeholder into a concat list with -safe 0.
    if (rule === MOVIE && option === 'format_opts') return `${name} option "format_opts" is not allowed`;
    const format = rule === MOVIE && option === 'format_name' ? movieFormatProblem(value) : undefined;
    if (format) return `${format} (filter "${name}")`;
    if (rule?.files.has(option)) {
      if (!isPlaceholder(value)) return `${name} option "${option}" must be a declared placeholder such as {{in_file}}, not "${value}"`;
      onFile?.(value.trim(), rule.writes.has(option));
    } else if (!TEXT_FILTER_OPTIONS.has(`${name}.${option}`)) {
      const scheme = SCHEME.exec(value)?.[1] ?? /^subfile,/i.exec(value)?.[0].slice(0, -1);
      if (scheme && PROTOCOLS.has(scheme.toLowerCase())) return `protocol "${scheme}:" in filter "${name}" is not allowed`;
      const problem = pathProblem(value);
      if (problem) return `${problem} (filter "${name}" option "${option}")`;
    }
  }
  return undefined;
}
