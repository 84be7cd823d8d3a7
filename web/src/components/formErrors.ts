import type { FormInstance } from 'antd';
import { ApiError, problemToFieldErrors } from '../api/problem';
import { errorMessage } from './ErrorView';

/**
 * showProblem puts a failed request's errors on the form fields they name
 * (`body.name` → the field `name`) and returns the messages that name no
 * field of this form, for an alert above it.
 */
export function showProblem(form: FormInstance, err: unknown, mapFields: string[] = []): string[] {
  if (!(err instanceof ApiError)) return [errorMessage(err)];
  const { fields, general } = problemToFieldErrors(err.problem, mapFields);
  const registered = new Set(form.getFieldsError().map((f) => JSON.stringify(f.name)));
  const placed = fields.filter((f) => registered.has(JSON.stringify(f.name)));
  form.setFields(placed.map((f) => ({ name: f.name, errors: f.errors })));
  const unplaced = fields.filter((f) => !placed.includes(f)).map((f) => `${f.name.join('.')}: ${f.errors.join(', ')}`);
  const rest = [...unplaced, ...general];
  // A problem whose errors all found their fields needs no alert; one
  // without field errors shows its detail.
  if (placed.length > 0 && unplaced.length === 0) return [];
  return rest.length ? rest : [err.message];
}
