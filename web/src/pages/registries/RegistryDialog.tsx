// Add a registry, or change one: the type decides the settings asked for
// and the credentials offered. The server logs in and reads before it
// stores anything; what stops it (unreachable, untrusted certificate,
// refused credentials) shows on the field to change.
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { Button, Checkbox, Flex, Form, Input, Radio, Select, Typography } from 'antd';
import type { TFunction } from 'i18next';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useNavigate } from 'react-router';
import { api, query } from '../../api/client';
import { ApiError } from '../../api/problem';
import { recordPaths, type Credential, type CredentialType, type RecordScope, type Registry, type RegistryType } from '../../api/registries';
import type { List } from '../../api/types';
import { FormDialog } from '../../components/FormDialog';
import { FormSelect } from '../../components/FormSelect';
import { links } from '../../nav/links';
import { CredentialDialog } from '../credentials/CredentialDialog';
import { splitReason } from './connection';
import { editionSetting, endpointExample, loginTypes, registryTypeNames, settingKeys } from './registryTypes';

interface Values {
  name: string;
  type: RegistryType;
  endpoint: string;
  edition?: 'personal' | 'enterprise';
  settings?: Record<string, string | undefined>;
  credentialId?: number;
  pullCredentialId?: number;
  caBundle?: string;
  insecure?: boolean;
  validate: boolean;
}

interface Props {
  open: boolean;
  onClose: () => void;
  scope: RecordScope;
  /** The registry to change; absent: add one. */
  registry?: Registry;
}

/** useCredentials lists the scope's credentials, for pickers and names. */
export function useCredentials(scope: RecordScope, enabled = true) {
  const path = recordPaths(scope).credentials;
  return useQuery({ queryKey: ['credentials', path, 'all'], enabled, queryFn: () => api<List<Credential>>(`${path}${query({ limit: 1000 })}`) });
}

/**
 * explained words the reason a registry refused (its messages start with
 * it: "UntrustedCertificate: ...") for the field it lands on: what it
 * means and what to do, then the registry's own words.
 */
function explained(err: unknown, t: TFunction): unknown {
  if (!(err instanceof ApiError) || !err.problem.errors) return err;
  const errors = err.problem.errors.map((d) => {
    const { reason, rest } = splitReason(d.message ?? '');
    return reason ? { ...d, message: `${t(`registries.reason_${reason}`)}. ${t(`registries.reasonHint_${reason}`)} (${rest})` } : d;
  });
  return new ApiError(err.status, { ...err.problem, errors });
}

export function RegistryDialog({ open, onClose, scope, registry }: Props) {
  const { t } = useTranslation();
  const [form] = Form.useForm<Values>();
  const qc = useQueryClient();
  const nav = useNavigate();
  const paths = recordPaths(scope);
  const [newCredential, setNewCredential] = useState<'credentialId' | 'pullCredentialId'>();
  const creds = useCredentials(scope, open);
  const type: RegistryType = Form.useWatch('type', form) ?? registry?.type ?? 'distribution';
  const edition = Form.useWatch('edition', form);
  const editionKey = editionSetting[type];
  const enterprise = editionKey ? edition === 'enterprise' : true;
  const initial: Partial<Values> = registry
    ? {
        endpoint: registry.endpoint,
        settings: registry.settings ?? {},
        edition: editionSetting[registry.type] && !registry.settings?.[editionSetting[registry.type]!] ? 'personal' : 'enterprise',
        credentialId: registry.credentialId,
        pullCredentialId: registry.pullCredentialId,
        caBundle: registry.caBundle ?? '',
        insecure: !!registry.insecure,
        validate: true,
      }
    : { type: 'distribution', edition: 'personal', validate: true, insecure: false };
  const options = (types: CredentialType[]) =>
    (creds.data?.items ?? []).filter((c) => types.includes(c.type)).map((c) => ({ value: c.id, label: `${c.name} (${t(`credentials.type_${c.type}`)})` }));
  const submit = async (v: Values) => {
    const settings: Record<string, string> = {};
    for (const k of settingKeys[type]) {
      const value = v.settings?.[k]?.trim();
      if (value && (k !== editionKey || enterprise)) settings[k] = value;
    }
    const body = {
      endpoint: v.endpoint.trim(),
      settings: Object.keys(settings).length ? settings : undefined,
      credentialId: v.credentialId ?? undefined,
      pullCredentialId: type === 'tcr' && !enterprise ? (v.pullCredentialId ?? undefined) : undefined,
      caBundle: v.caBundle?.trim() ? v.caBundle : undefined,
      insecure: !!v.insecure,
    };
    const q = query({ validate: v.validate ? undefined : false });
    try {
      if (registry) {
        await api<Registry>(`${paths.registry(registry.name)}${q}`, { method: 'PUT', body });
      } else {
        await api<Registry>(`${paths.registries}${q}`, { method: 'POST', body: { name: v.name, type: v.type, ...body } });
      }
    } catch (e) {
      throw explained(e, t);
    }
    void qc.invalidateQueries({ queryKey: ['registries'] });
    void qc.invalidateQueries({ queryKey: ['registry-test'] });
    void qc.invalidateQueries({ queryKey: ['credentials'] });
    onClose();
    if (!registry) nav(links.registry(v.name));
  };
  // The cloud registries log in with their API keys only: no anonymous use.
  const credentialPicker = (field: 'credentialId' | 'pullCredentialId', types: CredentialType[], label: string, extra: string, required: boolean) => (
    <Form.Item label={label} extra={extra} required={required}>
      <Flex gap={8}>
        <Form.Item name={field} noStyle rules={required ? [{ required: true, message: t('form.required') }] : undefined}>
          <FormSelect
            allowClear
            aria-label={label}
            placeholder={required ? t('registries.chooseCredential') : t('registries.anonymous')}
            loading={creds.isLoading}
            options={options(types)}
            style={{ flex: 1 }}
          />
        </Form.Item>
        <Button onClick={() => setNewCredential(field)}>{t('registries.newCredential')}</Button>
      </Flex>
    </Form.Item>
  );
  return (
    <>
      <FormDialog<Values>
        open={open}
        onClose={onClose}
        form={form}
        onSubmit={submit}
        title={registry ? t('registries.editTitle', { name: registry.name }) : t('registries.create')}
        submitText={registry ? t('action.save') : t('action.create')}
        initialValues={initial}
        mapFields={['settings']}
        width={680}
      >
        {registry ? (
          <Typography.Paragraph>
            {t('col.type')}: <Typography.Text strong>{t(`registries.type_${registry.type}`)}</Typography.Text>
          </Typography.Paragraph>
        ) : (
          <>
            <Form.Item name="name" label={t('col.name')} rules={[{ required: true, message: t('form.required') }]} extra={t('clusters.nameHint')}>
              <Input autoComplete="off" />
            </Form.Item>
            <Form.Item name="type" label={t('col.type')}>
              <Select
                options={registryTypeNames.map((x) => ({ value: x, label: t(`registries.type_${x}`) }))}
                onChange={() => form.setFieldsValue({ credentialId: undefined, pullCredentialId: undefined, settings: {} })}
              />
            </Form.Item>
          </>
        )}
        <Form.Item name="endpoint" label={t('registries.endpoint')} rules={[{ required: true, message: t('form.required') }]} extra={t('registries.endpointHint')}>
          <Input placeholder={endpointExample[type]} autoComplete="off" />
        </Form.Item>
        {editionKey ? (
          <Form.Item name="edition" label={t('registries.edition')}>
            <Radio.Group
              options={[
                { value: 'personal', label: t(`registries.edition_personal_${type}`) },
                { value: 'enterprise', label: t(`registries.edition_enterprise_${type}`) },
              ]}
            />
          </Form.Item>
        ) : null}
        {settingKeys[type]
          .filter((k) => k !== editionKey || enterprise)
          .map((k) => (
            <Form.Item
              key={`${type}-${k}`}
              name={['settings', k]}
              label={t(`registries.setting_${k}`)}
              extra={t(`registries.settingHint_${type}_${k}`, { defaultValue: t(`registries.settingHint_${k}`, { defaultValue: '' }) }) || undefined}
              rules={k === 'region' || k === editionKey ? [{ required: true, message: t('form.required') }] : undefined}
            >
              <Input autoComplete="off" />
            </Form.Item>
          ))}
        {credentialPicker('credentialId', loginTypes[type], t('registries.credential'), t(`registries.credentialHint_${type}`), type !== 'distribution' && type !== 'harbor')}
        {type === 'tcr' && !enterprise ? credentialPicker('pullCredentialId', ['registry'], t('registries.pullCredential'), t('registries.pullCredentialHint'), true) : null}
        <Form.Item name="caBundle" label={t('registries.caBundle')} extra={t('registries.caBundleHint')}>
          <Input.TextArea rows={4} spellCheck={false} style={{ fontFamily: 'monospace' }} placeholder="-----BEGIN CERTIFICATE-----" />
        </Form.Item>
        <Form.Item name="insecure" valuePropName="checked" extra={t('registries.insecureHint')}>
          <Checkbox>{t('registries.insecure')}</Checkbox>
        </Form.Item>
        <Form.Item name="validate" valuePropName="checked" extra={t('registries.validateHint')} style={{ marginBottom: 0 }}>
          <Checkbox>{t('registries.validate')}</Checkbox>
        </Form.Item>
      </FormDialog>
      <CredentialDialog
        open={!!newCredential}
        onClose={() => setNewCredential(undefined)}
        scope={scope}
        types={newCredential === 'pullCredentialId' ? ['registry'] : loginTypes[type]}
        onSaved={(c) => {
          void creds.refetch();
          if (newCredential) form.setFieldValue(newCredential, c.id);
        }}
      />
    </>
  );
}
