// RFC 9457 problem documents, as the server writes every error, and the
// mapping of their errors[].location onto form fields.

export interface ProblemDetail {
  location?: string;
  message?: string;
  value?: unknown;
}

export interface Problem {
  title?: string;
  status?: number;
  detail?: string;
  errors?: ProblemDetail[];
}

/** ApiError is what every failed request throws: the status and the problem document. */
export class ApiError extends Error {
  readonly status: number;
  readonly problem: Problem;
  constructor(status: number, problem: Problem) {
    super(problem.detail || problem.title || `HTTP ${status}`);
    this.status = status;
    this.problem = problem;
  }
}

/** A form field path, as antd's Form names fields: `["containers", 0, "image"]`. */
export type FieldPath = (string | number)[];

/**
 * locationToField turns a problem location such as `body.containers[0].image`
 * or `body.data.my-key` into a form field path. Only `body.` locations name a
 * field; others (`query.continue`, `path.name`) return undefined. The
 * `prefix` (e.g. "data") keeps the remaining dotted text as one map key,
 * since keys of a data map may themselves hold dots.
 */
export function locationToField(location: string, mapFields: string[] = []): FieldPath | undefined {
  if (!location.startsWith('body')) return undefined;
  let rest = location.slice('body'.length);
  if (rest.startsWith('.')) rest = rest.slice(1);
  if (rest === '') return undefined;
  for (const m of mapFields) {
    if (rest.startsWith(m + '.')) return [m, rest.slice(m.length + 1)];
  }
  const path: FieldPath = [];
  for (const part of rest.split('.')) {
    const re = /([^[\]]+)|\[(\d+)\]/g;
    let match: RegExpExecArray | null;
    while ((match = re.exec(part)) !== null) {
      if (match[1] !== undefined) path.push(match[1]);
      else path.push(Number(match[2]));
    }
  }
  return path;
}

export interface FieldErrors {
  /** Errors that name a form field, with that field's path. */
  fields: { name: FieldPath; errors: string[] }[];
  /** Errors the form cannot place: shown above it. */
  general: string[];
}

/** problemToFieldErrors splits a problem's errors into per-field and general messages. */
export function problemToFieldErrors(problem: Problem, mapFields: string[] = []): FieldErrors {
  const byField = new Map<string, { name: FieldPath; errors: string[] }>();
  const general: string[] = [];
  for (const e of problem.errors ?? []) {
    const name = e.location ? locationToField(e.location, mapFields) : undefined;
    const message = e.message ?? '';
    if (!name) {
      general.push(e.location ? `${e.location}: ${message}` : message);
      continue;
    }
    const key = JSON.stringify(name);
    const entry = byField.get(key) ?? { name, errors: [] };
    entry.errors.push(message);
    byField.set(key, entry);
  }
  if (byField.size === 0 && general.length === 0) {
    general.push(problem.detail || problem.title || 'error');
  }
  return { fields: [...byField.values()], general };
}
