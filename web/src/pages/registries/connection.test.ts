import { describe, expect, it } from 'vitest';
import { ApiError } from '../../api/problem';
import { connectionOf } from './connection';

describe('connectionOf', () => {
  it('reads the reason and the setting at fault of a failed test', () => {
    const err = new ApiError(424, {
      status: 424,
      detail: 'the registry cannot be used: Unauthorized',
      errors: [{ location: 'registry.credentialId', message: 'Unauthorized: log in to 127.0.0.1:5000: the registry refused the credentials' }],
    });
    expect(connectionOf(err)).toEqual({ ok: false, reason: 'Unauthorized', field: 'credentialId', message: 'log in to 127.0.0.1:5000: the registry refused the credentials' });
  });
  it('calls a failure without a known reason Failed', () => {
    const err = new ApiError(424, { status: 424, detail: "the registry's credential is gone", errors: [{ location: 'registry.credentialId', message: 'no credential 3' }] });
    expect(connectionOf(err)).toMatchObject({ reason: 'Failed', message: 'no credential 3', field: 'credentialId' });
  });
  it('leaves other errors alone', () => {
    expect(connectionOf(new ApiError(404, { status: 404, detail: 'no registry' }))).toBeUndefined();
    expect(connectionOf(new Error('network'))).toBeUndefined();
  });
});
