// What a chart repository's read answered when it cannot be used: the
// message of each error starts with the reason (Unreachable, Unauthorized,
// NotFound, Invalid), worded here for the field it lands on.
import type { TFunction } from 'i18next';
import { ApiError } from '../../api/problem';

export const repoReasons = ['Unreachable', 'Unauthorized', 'NotFound', 'Invalid'];

/** splitRepoReason splits "NotFound: no index.yaml at ..." into its reason and the rest. */
export function splitRepoReason(message: string): { reason?: string; rest: string } {
  const m = /^(\w+): ([\s\S]*)$/.exec(message);
  return m && repoReasons.includes(m[1]) ? { reason: m[1], rest: m[2] } : { rest: message };
}

/** explainRepoProblem words each error's reason: what it means and what to do, then the server's own words. */
export function explainRepoProblem(err: unknown, t: TFunction): unknown {
  if (!(err instanceof ApiError) || !err.problem.errors) return err;
  const errors = err.problem.errors.map((d) => {
    const { reason, rest } = splitRepoReason(d.message ?? '');
    return reason ? { ...d, message: `${t(`chartRepos.reasonHint_${reason}`)} (${rest})` } : d;
  });
  return new ApiError(err.status, { ...err.problem, errors });
}
