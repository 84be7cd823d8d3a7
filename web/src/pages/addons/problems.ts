import { ApiError, problemToFieldErrors, type FieldPath } from '../../api/problem';
import { errorMessage } from '../../components/ErrorView';

export interface SplitProblem {
  /** Errors of values, by dotted path under values ("" for values itself). */
  values: Record<string, string[]>;
  /** Errors of other body fields (name, chart). */
  fields: { name: FieldPath; errors: string[] }[];
  general: string[];
}

/** splitProblem sorts a failed write's errors: those of values for the values editor, the rest for the form. */
export function splitProblem(err: unknown): SplitProblem {
  if (!(err instanceof ApiError)) return { values: {}, fields: [], general: [errorMessage(err)] };
  const { fields, general } = problemToFieldErrors(err.problem);
  const out: SplitProblem = { values: {}, fields: [], general };
  for (const f of fields) {
    if (f.name[0] === 'values') out.values[f.name.slice(1).join('.')] = f.errors;
    else out.fields.push(f);
  }
  return out;
}
