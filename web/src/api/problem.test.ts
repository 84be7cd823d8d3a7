import { describe, expect, it } from 'vitest';
import { locationToField, problemToFieldErrors } from './problem';

describe('locationToField', () => {
  it.each([
    ['body.name', ['name']],
    ['body.containers[0].image', ['containers', 0, 'image']],
    ['body.rules[1].paths[0].port', ['rules', 1, 'paths', 0, 'port']],
    ['body[2]', [2]],
    ['query.continue', undefined],
    ['body', undefined],
  ])('%s', (loc, want) => {
    expect(locationToField(loc)).toEqual(want);
  });

  it('keeps a map key with dots whole', () => {
    expect(locationToField('body.data.app.properties', ['data'])).toEqual(['data', 'app.properties']);
  });
});

describe('problemToFieldErrors', () => {
  it('groups messages per field and keeps the rest general', () => {
    const got = problemToFieldErrors({
      title: 'Unprocessable Entity',
      status: 422,
      detail: 'validation failed',
      errors: [
        { location: 'body.name', message: 'must be a DNS label' },
        { location: 'body.name', message: 'too long' },
        { location: 'query.limit', message: 'too big' },
        { message: 'something else' },
      ],
    });
    expect(got.fields).toEqual([{ name: ['name'], errors: ['must be a DNS label', 'too long'] }]);
    expect(got.general).toEqual(['query.limit: too big', 'something else']);
  });

  it('falls back to the detail when there are no errors', () => {
    expect(problemToFieldErrors({ status: 403, detail: 'viewer may not create deployments' }).general).toEqual([
      'viewer may not create deployments',
    ]);
  });
});
