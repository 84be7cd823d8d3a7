// The credential types and their fields, as internal/credentials/types.go
// declares them: the create and rotate dialogs build their inputs from
// these.
import type { CredentialType } from '../../api/registries';

export interface FieldSpec {
  name: string;
  secret?: boolean;
  required?: boolean;
  /** A PEM key, a kubeconfig, known_hosts: a text area. */
  multiline?: boolean;
}

export const credentialTypes: Record<CredentialType, FieldSpec[]> = {
  registry: [{ name: 'username' }, { name: 'password', secret: true, required: true }],
  'git-token': [{ name: 'username' }, { name: 'token', secret: true, required: true }],
  'ssh-key': [
    { name: 'username' },
    { name: 'privateKey', secret: true, required: true, multiline: true },
    { name: 'passphrase', secret: true },
    { name: 'knownHosts', multiline: true },
  ],
  alibaba: [
    { name: 'accessKeyId', secret: true, required: true },
    { name: 'accessKeySecret', secret: true, required: true },
  ],
  tencent: [
    { name: 'secretId', secret: true, required: true },
    { name: 'secretKey', secret: true, required: true },
  ],
  aws: [
    { name: 'accessKeyId', secret: true, required: true },
    { name: 'secretAccessKey', secret: true, required: true },
    { name: 'sessionToken', secret: true },
    { name: 'roleArn' },
  ],
  kubeconfig: [{ name: 'kubeconfig', secret: true, required: true, multiline: true }],
};

export const credentialTypeNames = Object.keys(credentialTypes) as CredentialType[];
