import { describe, expect, it } from 'vitest';
import { parseScope } from './useScope';

describe('parseScope', () => {
  it.each([
    ['/clusters', {}],
    ['/clusters/local', { cluster: 'local', section: undefined }],
    ['/clusters/local/nodes/n1', { cluster: 'local', section: 'nodes' }],
    ['/clusters/a%20b/ns/default/pods/p', { cluster: 'a b', namespace: 'default', section: 'pods' }],
    ['/users', {}],
  ])('%s', (path, want) => expect(parseScope(path)).toEqual(want));
});
