// The credential types and their fields, as internal/credentials/types.go
// declares them: the create and rotate dialogs build their inputs from
// these.
import type { TFunction } from 'i18next';
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
  'oauth-client': [{ name: 'clientSecret', secret: true, required: true }],
};

export const credentialTypeNames = Object.keys(credentialTypes) as CredentialType[];

/** fieldLabel names a field as its type's users know it (AWS says "Access key ID", Alibaba "AccessKey ID"). */
export function fieldLabel(t: TFunction, type: CredentialType, field: string): string {
  return t(`credentials.field_${type}_${field}`, { defaultValue: t(`credentials.field_${field}`) });
}
