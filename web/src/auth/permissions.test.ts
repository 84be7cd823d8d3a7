import { describe, expect, it } from 'vitest';
import { can, everything, nothing, type Permissions } from './permissions';

const viewer: Permissions = { admin: false, rules: [{ verbs: ['get', 'list'], resources: ['*'] }] };
const member: Permissions = {
  admin: false,
  rules: [
    { verbs: ['get', 'list'], resources: ['*'] },
    { verbs: ['*'], resources: ['deployments', 'configmaps'] },
  ],
};

describe('can', () => {
  it('lets a viewer read but not write', () => {
    expect(can(viewer, 'list', 'pods')).toBe(true);
    expect(can(viewer, 'update', 'deployments')).toBe(false);
  });
  it('matches verbs and resources, with * for any', () => {
    expect(can(member, 'delete', 'configmaps')).toBe(true);
    expect(can(member, 'create', 'secrets')).toBe(false);
  });
  it('lets an admin do everything whatever the rules', () => {
    expect(can({ admin: true, rules: [] }, 'delete', 'nodes')).toBe(true);
  });
  it('offers everything without an answer and nothing while loading', () => {
    expect(can(everything, 'create', 'namespaces')).toBe(true);
    expect(can(nothing, 'get', 'pods')).toBe(false);
  });
});
