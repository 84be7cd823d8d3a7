import { describe, expect, it } from 'vitest';
import { ApiError } from '../../api/problem';
import { splitProblem } from './problems';

describe('splitProblem', () => {
  it('puts values errors by path and the rest on fields', () => {
    const err = new ApiError(422, {
      detail: 'values do not match the chart\'s schema',
      errors: [
        { location: 'body.values.service.type', message: 'value must be one of ClusterIP, NodePort' },
        { location: 'body.values', message: 'bad' },
        { location: 'body.name', message: 'in use' },
      ],
    });
    expect(splitProblem(err)).toEqual({
      values: { 'service.type': ['value must be one of ClusterIP, NodePort'], '': ['bad'] },
      fields: [{ name: ['name'], errors: ['in use'] }],
      general: [],
    });
  });
});
