import { describe, expect, it } from 'vitest';
import { bytes, cores, percent, shortDigest } from './format';

describe('format', () => {
  it('cores', () => {
    expect(cores(250)).toBe('250m');
    expect(cores(2000)).toBe('2');
    expect(cores(1500)).toBe('1.5');
  });
  it('bytes', () => {
    expect(bytes(512)).toBe('512B');
    expect(bytes(64 * 1024 * 1024)).toBe('64Mi');
    expect(bytes(1.5 * 1024 ** 3)).toBe('1.5Gi');
  });
  it('percent', () => {
    expect(percent(1, 4)).toBe(25);
    expect(percent(1, 0)).toBeUndefined();
  });
  it('shortDigest', () => {
    expect(shortDigest('sha256:cadc2777d5bc3f42fe121da470bbfe4cdc568298429c8b0a21305ba603629237')).toBe('sha256:cadc2777d5bc');
    expect(shortDigest(undefined)).toBe('-');
  });
});
