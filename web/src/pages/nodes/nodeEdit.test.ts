import { describe, expect, it } from 'vitest';
import { nodePatch } from './nodeEdit';

describe('nodePatch', () => {
  it('sends changed and new labels, null for removed ones, and the taints', () => {
    expect(
      nodePatch(
        { a: '1', b: '2', c: '3' },
        [{ key: 'a', value: '1' }, { key: 'b', value: 'two' }, { key: 'd', value: '' }, { key: ' ' }],
        [{ key: 'dedicated', value: 'gpu', effect: 'NoSchedule' }, { key: '', effect: 'NoExecute' }],
      ),
    ).toEqual({
      labels: { b: 'two', d: '', c: null },
      taints: [{ key: 'dedicated', value: 'gpu', effect: 'NoSchedule' }],
    });
  });
});
