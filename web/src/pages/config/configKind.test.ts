import { describe, expect, it } from 'vitest';
import { dataYaml, entriesToData } from './configKind';

describe('config helpers', () => {
  it('renders data sorted by key, multi-line values as blocks', () => {
    expect(dataYaml({ b: '2', a: 'x\ny\n' })).toBe('a: |\n  x\n  y\nb: "2"\n');
    expect(dataYaml(undefined)).toBe('');
  });
  it('builds data from editor rows, skipping empty keys', () => {
    expect(entriesToData([{ key: ' a ', value: '1' }, { key: '' }, { key: 'b' }])).toEqual({ a: '1', b: '' });
  });
});
