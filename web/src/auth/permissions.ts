// What the caller may do in a scope, from
// GET /api/v1/clusters/{cluster}/permissions?namespace=|project=, so the
// console does not offer what the server would refuse. The server stays the
// authority: a refused request still shows its 403.

export type Verb = 'get' | 'list' | 'create' | 'update' | 'delete';

export interface Rule {
  verbs: string[];
  resources: string[];
}

export interface Permissions {
  admin: boolean;
  rules: Rule[];
}

/** everything is what is offered while the server cannot say (no permissions endpoint yet). */
export const everything: Permissions = { admin: false, rules: [{ verbs: ['*'], resources: ['*'] }] };

/** nothing is what is offered while the answer is loading. */
export const nothing: Permissions = { admin: false, rules: [] };

/** can tells whether perms allow verb on resource. */
export function can(perms: Permissions, verb: Verb, resource: string): boolean {
  if (perms.admin) return true;
  return perms.rules.some(
    (r) => (r.verbs.includes('*') || r.verbs.includes(verb)) && (r.resources.includes('*') || r.resources.includes(resource)),
  );
}
