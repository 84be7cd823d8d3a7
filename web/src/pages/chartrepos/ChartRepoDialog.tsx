// Add a chart repository, or change one. The server reads its index
// before it stores anything (unless validate is unchecked); what stops it
// (no index, an untrusted certificate, refused credentials) shows on the
// field to change.
import { useQueryClient } from '@tanstack/react-query';
import { Button, Checkbox, Flex, Form, Input, InputNumber, Select, Typography } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useNavigate } from 'react-router';
import { api, query } from '../../api/client';
import { chartRepoPaths, type ChartRepo, type ChartRepoType } from '../../api/chartrepos';
import type { RecordScope } from '../../api/registries';
import { FormDialog } from '../../components/FormDialog';
import { FormSelect } from '../../components/FormSelect';
import { links } from '../../nav/links';
import { CredentialDialog } from '../credentials/CredentialDialog';
import { useCredentials } from '../registries/RegistryDialog';
import { explainRepoProblem } from './reasons';

interface Values {
  name: string;
  type: ChartRepoType;
  url: string;
  credentialId?: number;
  caBundle?: string;
  insecure?: boolean;
  refreshSeconds?: number | null;
  validate: boolean;
}

interface Props {
  open: boolean;
  onClose: () => void;
  scope: RecordScope;
  /** The repository to change; absent: add one. */
  repo?: ChartRepo;
}

const urlExample: Record<ChartRepoType, string> = {
  http: 'https://charts.example.com/stable',
  oci: 'oci://registry.example.com/charts',
};

export function ChartRepoDialog({ open, onClose, scope, repo }: Props) {
  const { t } = useTranslation();
  const [form] = Form.useForm<Values>();
  const qc = useQueryClient();
  const nav = useNavigate();
  const paths = chartRepoPaths(scope);
  const [newCredential, setNewCredential] = useState(false);
  const creds = useCredentials(scope, open);
  const type: ChartRepoType = Form.useWatch('type', form) ?? repo?.type ?? 'http';
  const initial: Partial<Values> = repo
    ? {
        url: repo.url,
        credentialId: repo.credentialId,
        caBundle: repo.caBundle ?? '',
        insecure: !!repo.insecure,
        refreshSeconds: repo.refreshSeconds,
        validate: true,
      }
    : { type: 'http', validate: true, insecure: false };
  const options = (creds.data?.items ?? []).filter((c) => c.type === 'registry').map((c) => ({ value: c.id, label: c.name }));
  const submit = async (v: Values) => {
    const body = {
      url: v.url.trim(),
      credentialId: v.credentialId ?? undefined,
      caBundle: v.caBundle?.trim() ? v.caBundle : undefined,
      insecure: !!v.insecure,
      refreshSeconds: v.refreshSeconds || undefined,
    };
    const q = query({ validate: v.validate ? undefined : 'false' });
    try {
      if (repo) {
        await api<ChartRepo>(`${paths.repo(repo.name)}${q}`, { method: 'PUT', body });
      } else {
        await api<ChartRepo>(`${paths.list}${q}`, { method: 'POST', body: { name: v.name, type: v.type, ...body } });
      }
    } catch (e) {
      throw explainRepoProblem(e, t);
    }
    void qc.invalidateQueries({ queryKey: ['chart-repos'] });
    void qc.invalidateQueries({ queryKey: ['addon-charts'] });
    onClose();
    if (!repo) nav(links.chartRepo(v.name, scope));
  };
  return (
    <>
      <FormDialog<Values>
        open={open}
        onClose={onClose}
        form={form}
        onSubmit={submit}
        title={repo ? t('chartRepos.editTitle', { name: repo.name }) : t('chartRepos.create')}
        submitText={repo ? t('action.save') : t('action.create')}
        initialValues={initial}
        width={640}
      >
        {repo ? (
          <Typography.Paragraph>
            {t('col.type')}: <Typography.Text strong>{t(`chartRepos.type_${repo.type}`)}</Typography.Text>
          </Typography.Paragraph>
        ) : (
          <>
            <Form.Item name="name" label={t('col.name')} rules={[{ required: true, message: t('form.required') }]} extra={t('clusters.nameHint')}>
              <Input autoComplete="off" />
            </Form.Item>
            <Form.Item name="type" label={t('col.type')} extra={t(`chartRepos.typeHint_${type}`)}>
              <Select aria-label={t('col.type')} options={(['http', 'oci'] as const).map((x) => ({ value: x, label: t(`chartRepos.type_${x}`) }))} />
            </Form.Item>
          </>
        )}
        <Form.Item name="url" label={t('chartRepos.url')} rules={[{ required: true, message: t('form.required') }]} extra={t(`chartRepos.urlHint_${type}`)}>
          <Input placeholder={urlExample[type]} autoComplete="off" />
        </Form.Item>
        <Form.Item label={t('registries.credential')} extra={t('chartRepos.credentialHint')}>
          <Flex gap={8}>
            <Form.Item name="credentialId" noStyle>
              <FormSelect
                allowClear
                aria-label={t('registries.credential')}
                placeholder={t('registries.anonymous')}
                loading={creds.isLoading}
                options={options}
                style={{ flex: 1 }}
              />
            </Form.Item>
            <Button onClick={() => setNewCredential(true)}>{t('registries.newCredential')}</Button>
          </Flex>
        </Form.Item>
        <Form.Item name="refreshSeconds" label={t('chartRepos.refreshSeconds')} extra={t('chartRepos.refreshSecondsHint')}>
          <InputNumber min={0} max={604800} step={60} placeholder="3600" style={{ width: 200 }} />
        </Form.Item>
        <Form.Item name="caBundle" label={t('registries.caBundle')} extra={t('chartRepos.caBundleHint')}>
          <Input.TextArea rows={4} spellCheck={false} style={{ fontFamily: 'monospace' }} placeholder="-----BEGIN CERTIFICATE-----" />
        </Form.Item>
        <Form.Item name="insecure" valuePropName="checked" extra={t('chartRepos.insecureHint')}>
          <Checkbox>{t('registries.insecure')}</Checkbox>
        </Form.Item>
        <Form.Item name="validate" valuePropName="checked" extra={t('chartRepos.validateHint')} style={{ marginBottom: 0 }}>
          <Checkbox>{t('chartRepos.validate')}</Checkbox>
        </Form.Item>
      </FormDialog>
      <CredentialDialog
        open={newCredential}
        onClose={() => setNewCredential(false)}
        scope={scope}
        types={['registry']}
        onSaved={(c) => {
          void creds.refetch();
          form.setFieldValue('credentialId', c.id);
        }}
      />
    </>
  );
}
