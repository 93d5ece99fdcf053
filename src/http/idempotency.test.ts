import { describe, expect, it } from 'vitest';
import { canonicalJson } from './idempotency.ts';

describe('canonicalJson (the Idempotency-Key fingerprint of a JSON body)', () => {
  it('sorts object keys at every level and drops whitespace; arrays keep their order', () => {
    const a = JSON.parse('{"b": {"y": 1, "x": [3, 1, {"q": null, "p": "é"}]}, "a": true}');
    const b = JSON.parse('{"a":true,"b":{"x":[3,1,{"p":"é","q":null}],"y":1}}');
    expect(canonicalJson(a)).toBe('{"a":true,"b":{"x":[3,1,{"p":"é","q":null}],"y":1}}');
    expect(canonicalJson(a)).toBe(canonicalJson(b));
    expect(canonicalJson(JSON.parse('[1,2]'))).not.toBe(canonicalJson(JSON.parse('[2,1]')));
    expect(canonicalJson(JSON.parse('{"a":"1"}'))).not.toBe(canonicalJson(JSON.parse('{"a":1}')));
  });

  it('gives up (undefined) on a body nested past 64 levels instead of overflowing the stack', () => {
    const deep = JSON.parse(`${'['.repeat(100_000)}${']'.repeat(100_000)}`);
    expect(canonicalJson(deep)).toBeUndefined();
    expect(canonicalJson(JSON.parse(`${'['.repeat(60)}${']'.repeat(60)}`))).toBe(`${'['.repeat(60)}${']'.repeat(60)}`);
  });
});
