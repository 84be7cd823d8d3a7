import { describe, expect, it } from 'vitest';
import { diffLineKind } from './diffLines';

describe('diffLineKind', () => {
  it.each([
    ['--- live', 'meta'],
    ['+++ applied', 'meta'],
    ['@@ -1,3 +1,3 @@', 'hunk'],
    ['+  replicas: 3', 'add'],
    ['-  replicas: 1', 'del'],
    ['   image: nginx', 'same'],
  ])('%s', (line, want) => expect(diffLineKind(line)).toBe(want));
});
