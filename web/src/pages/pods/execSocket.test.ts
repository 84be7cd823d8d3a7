import { describe, expect, it } from 'vitest';
import { base64url, execProtocols, execUrl } from './execSocket';

describe('exec socket', () => {
  it('offers the token as a base64url subprotocol without padding', () => {
    expect(base64url('ab?')).toBe('YWI_');
    expect(execProtocols('tok')).toEqual(['wheelhouse.exec.v1', 'base64url.bearer.authorization.wheelhouse.dev.dG9r']);
  });
  it('builds a wss URL with one command= per word', () => {
    expect(execUrl('https://h:8080', '/api/v1/clusters/c/namespaces/n/pods/p/exec', ['sh', '-c', 'ls /'], 'main', true)).toBe(
      'wss://h:8080/api/v1/clusters/c/namespaces/n/pods/p/exec?command=sh&command=-c&command=ls+%2F&container=main&tty=true',
    );
  });
});
