// What a registry's connection test answered: connected, or the reason
// it cannot be used (the first error's message starts with it) and the
// setting to change.
import { ApiError } from '../../api/problem';

export interface Connection {
  ok: boolean;
  /** Unreachable, UntrustedCertificate, Unauthorized, Forbidden, ... */
  reason?: string;
  message: string;
  /** The setting at fault (endpoint, caBundle, credentialId). */
  field?: string;
}

export const reasons = ['Unreachable', 'UntrustedCertificate', 'Unauthorized', 'Forbidden', 'NotFound', 'Invalid', 'Failed'];

/** connectionOf reads a test's failure: its first error's message starts with the reason. */
export function connectionOf(err: unknown): Connection | undefined {
  if (!(err instanceof ApiError) || (err.status !== 424 && err.status !== 422)) return undefined;
  const d = err.problem.errors?.[0];
  const text = d?.message ?? err.message;
  const { reason, rest } = splitReason(text);
  return { ok: false, reason: reason ?? 'Failed', message: rest, field: d?.location?.replace(/^(registry|body)\./, '') };
}

/** splitReason splits "Unauthorized: the registry refused ..." into its reason and the rest. */
export function splitReason(message: string): { reason?: string; rest: string } {
  const m = /^(\w+): ([\s\S]*)$/.exec(message);
  return m && reasons.includes(m[1]) ? { reason: m[1], rest: m[2] } : { rest: message };
}
