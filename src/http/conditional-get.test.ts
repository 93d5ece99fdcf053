import { describe, expect, it } from 'vitest';
import { ifNoneMatchHits } from './conditional-get.ts';

describe('ifNoneMatchHits (RFC 9110 weak comparison)', () => {
  it.each([
    [undefined, false],
    ['', false],
    ['"abc"', true],
    ['W/"abc"', true],
    ['"x", "abc"', true],
    ['"x",W/"abc"', true],
    [' * ', true],
    ['"abcd"', false],
    ['"x", "y"', false],
    ['abc', false], // not a quoted entity tag
    [['"x"', '"abc"'], true], // the header sent twice
  ] as const)('%j against "abc"', (header, hit) => {
    expect(ifNoneMatchHits(header as string | string[] | undefined, '"abc"')).toBe(hit);
  });
});
