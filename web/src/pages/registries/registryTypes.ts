// The registry types, the settings each takes and the credential types
// each logs in with, as internal/api/registries declares them.
import type { CredentialType, RegistryType, WebhookSource } from '../../api/registries';

export const registryTypeNames: RegistryType[] = ['distribution', 'harbor', 'acr', 'tcr', 'ecr'];

/** The settings of each type, in the order the dialog shows them. */
export const settingKeys: Record<RegistryType, string[]> = {
  distribution: [],
  harbor: [],
  acr: ['region', 'instanceId', 'apiEndpoint'],
  tcr: ['region', 'registryId', 'apiEndpoint'],
  ecr: ['region', 'registryId', 'apiEndpoint', 'stsEndpoint'],
};

/** The credential types a registry type logs in with. */
export const loginTypes: Record<RegistryType, CredentialType[]> = {
  distribution: ['registry'],
  harbor: ['registry'],
  acr: ['alibaba'],
  tcr: ['tencent'],
  ecr: ['aws'],
};

/**
 * The types with two editions: the enterprise one is named by a setting
 * (ACR's instanceId, TCR's registryId); without it, the personal edition.
 */
export const editionSetting: Partial<Record<RegistryType, string>> = { acr: 'instanceId', tcr: 'registryId' };

export const endpointExample: Record<RegistryType, string> = {
  distribution: 'https://registry.example.com',
  harbor: 'https://harbor.example.com',
  acr: 'https://registry.cn-hangzhou.aliyuncs.com',
  tcr: 'https://ccr.ccs.tencentyun.com',
  ecr: 'https://123456789012.dkr.ecr.us-east-1.amazonaws.com',
};

export const webhookSources: WebhookSource[] = ['distribution', 'harbor', 'acr', 'tcr', 'ecr', 'dockerhub'];

/** The header the sources that send one put the webhook's token in. */
export const tokenHeader = 'X-Wheelhouse-Token';
