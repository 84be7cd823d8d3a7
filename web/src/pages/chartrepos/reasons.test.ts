import { describe, expect, it } from 'vitest';
import { splitRepoReason } from './reasons';

describe('splitRepoReason', () => {
  it('splits a known reason from the rest', () => {
    expect(splitRepoReason('NotFound: no index.yaml at https://x/index.yaml')).toEqual({ reason: 'NotFound', rest: 'no index.yaml at https://x/index.yaml' });
  });
  it('leaves other messages whole', () => {
    expect(splitRepoReason('Something: else')).toEqual({ rest: 'Something: else' });
    expect(splitRepoReason('expected a DNS label')).toEqual({ rest: 'expected a DNS label' });
  });
});
