import { describe, expect, it } from 'vitest';
import { appendLines, searchLines, splitLog } from './logBuffer';

describe('log buffer', () => {
  it('keeps the newest lines', () => {
    expect(appendLines(['a', 'b'], ['c', 'd'], 3)).toEqual(['b', 'c', 'd']);
  });
  it('splits a log without a trailing empty line', () => {
    expect(splitLog('x\ny\n')).toEqual(['x', 'y']);
    expect(splitLog('')).toEqual([]);
  });
  it('finds lines case-insensitively with their numbers', () => {
    expect(searchLines(['Started', 'error: boom', 'ERROR again'], 'error')).toEqual([
      { index: 1, line: 'error: boom' },
      { index: 2, line: 'ERROR again' },
    ]);
  });
});
