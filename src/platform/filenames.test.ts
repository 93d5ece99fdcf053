import { describe, expect, it } from 'vitest';
import { sanitizeFilename } from './filenames.ts';

describe('sanitizeFilename', () => {
  it.each([
    ['video.mp4', 'video.mp4'],
    ['../../etc/passwd', 'passwd'],
    ['C:\\Users\\me\\clip.mov', 'clip.mov'],
    ['résumé final.pdf', 'resume_final.pdf'],
    ['€.wav', '_.wav'],
    ['.htaccess', 'htaccess'],
    ['a<script>.html', 'a_script_.html'],
    ['', 'file'],
    [null, 'file'],
    ['..', 'file'],
    ['/', 'file'],
  ])('%s → %s', (input, expected) => {
    expect(sanitizeFilename(input)).toBe(expected);
  });

  it('keeps the extension when shortening a long name', () => {
    const name = sanitizeFilename(`${'a'.repeat(500)}.mkv`);
    expect(name).toHaveLength(180);
    expect(name.endsWith('.mkv')).toBe(true);
  });
});
