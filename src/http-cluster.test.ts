import { describe, expect, it } from 'vitest';
import { restartDelayMs } from './http-cluster.ts';

describe('restartDelayMs', () => {
  it('waits 1 s after a child that lived, and doubles per child that died young in a row, up to 30 s', () => {
    expect([0, 1, 2, 3, 4, 5, 6, 7, 50].map(restartDelayMs)).toEqual([1000, 1000, 2000, 4000, 8000, 16000, 30000, 30000, 30000]);
  });
});
