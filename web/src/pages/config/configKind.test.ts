import { describe, expect, it } from 'vitest';
import { entriesToData } from './configKind';

describe('config helpers', () => {
  it('builds data from editor rows, skipping empty keys', () => {
    expect(entriesToData([{ key: ' a ', value: '1' }, { key: '' }, { key: 'b' }])).toEqual({ a: '1', b: '' });
  });
});
