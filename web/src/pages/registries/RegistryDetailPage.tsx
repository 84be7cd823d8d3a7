// One registry: its settings and connection, its images to browse, copy
// and delete, the copies from and to it, where its pull secret is kept
// and its push webhooks.
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { App, Button, Descriptions, Popconfirm, Spin, Tabs, Tag, Typography } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useNavigate, useParams, useSearchParams } from 'react-router';
import { api } from '../../api/client';
import { globalScope, recordPaths, type Registry } from '../../api/registries';
import { Age } from '../../components/Age';
import { ErrorView, errorMessage } from '../../components/ErrorView';
import { PageHeader } from '../../components/PageHeader';
import { links } from '../../nav/links';
import { CopiesTab } from './CopiesTab';
import { CopyDialog, type CopySource } from './CopyDialog';
import { PullSecretsTab } from './PullSecretsTab';
import { RegistryBrowser } from './RegistryBrowser';
import { RegistryDialog, useCredentials } from './RegistryDialog';
import { ConnectionResult, RegistryStatus, useConnection, useTestConnection } from './RegistryStatus';
import { WebhooksTab } from './WebhooksTab';

const tabs = ['images', 'copies', 'pullsecrets', 'webhooks'] as const;

export default function RegistryDetailPage() {
  const { registry: name = '' } = useParams();
  const { t } = useTranslation();
  const { message } = App.useApp();
  const nav = useNavigate();
  const qc = useQueryClient();
  const scope = globalScope;
  const paths = recordPaths(scope);
  const [params, setParams] = useSearchParams();
  const tab = tabs.find((x) => x === params.get('tab')) ?? 'images';
  const [editing, setEditing] = useState(false);
  const [copy, setCopy] = useState<CopySource>();
  const [showTest, setShowTest] = useState(false);
  const q = useQuery({ queryKey: ['registries', paths.registry(name)], queryFn: () => api<Registry>(paths.registry(name)) });
  const conn = useConnection(scope, name);
  const creds = useCredentials(scope);
  const del = useMutation({
    mutationFn: () => api(paths.registry(name), { method: 'DELETE' }),
    onSuccess: () => {
      void qc.invalidateQueries({ queryKey: ['registries'] });
      nav(links.registries());
    },
    onError: (e) => void message.error(errorMessage(e)),
  });
  const testNow = useTestConnection(scope);
  const test = async () => {
    setShowTest(true);
    await testNow(name).catch((e) => void message.error(errorMessage(e)));
  };
  const r = q.data;
  const credName = (id?: number) => (id === undefined ? t('registries.anonymous') : (creds.data?.items.find((c) => c.id === id)?.name ?? `#${id}`));
  return (
    <>
      <PageHeader
        title={name}
        sub={r ? `${t(`registries.type_${r.type}`)} · ${r.endpoint}` : undefined}
        extra={
          r ? (
            <>
              <Button onClick={() => void test()} loading={conn.isFetching}>
                {t('registries.testConnection')}
              </Button>
              <Button onClick={() => setCopy({ registry: name, repository: params.get('repo') ?? undefined })}>{t('registries.copyImage')}</Button>
              <Button onClick={() => setEditing(true)}>{t('action.edit')}</Button>
              <Popconfirm title={t('registries.deleteConfirm', { name })} description={t('registries.deleteHint')} onConfirm={() => del.mutateAsync().catch(() => {})}>
                <Button danger>{t('action.delete')}</Button>
              </Popconfirm>
            </>
          ) : null
        }
      />
      {q.error ? <ErrorView error={q.error} /> : null}
      {q.isLoading ? <Spin style={{ display: 'block', margin: 24 }} /> : null}
      {showTest && conn.data && !conn.isFetching ? <ConnectionResult connection={conn.data} onClose={() => setShowTest(false)} /> : null}
      {r ? (
        <>
          <Descriptions bordered size="small" column={{ xs: 1, md: 2, xl: 3 }} style={{ marginBottom: 16 }}>
            <Descriptions.Item label={t('col.status')}>
              <RegistryStatus scope={scope} registry={name} />
            </Descriptions.Item>
            <Descriptions.Item label={t('col.type')}>{t(`registries.type_${r.type}`)}</Descriptions.Item>
            <Descriptions.Item label={t('registries.endpoint')}>
              <Typography.Text copyable>{r.endpoint}</Typography.Text>
            </Descriptions.Item>
            <Descriptions.Item label={t('registries.credential')}>
              {r.credentialId !== undefined ? <Link to={links.credentials()}>{credName(r.credentialId)}</Link> : credName(undefined)}
            </Descriptions.Item>
            {r.pullCredentialId !== undefined ? <Descriptions.Item label={t('registries.pullCredential')}>{credName(r.pullCredentialId)}</Descriptions.Item> : null}
            {Object.entries(r.settings ?? {}).map(([k, v]) => (
              <Descriptions.Item key={k} label={t(`registries.setting_${k}`, { defaultValue: k })}>
                {v}
              </Descriptions.Item>
            ))}
            <Descriptions.Item label={t('registries.tls')}>
              {r.insecure ? <Tag color="warning">{t('registries.insecure')}</Tag> : null}
              {r.caBundle ? <Tag>{t('registries.caBundleSet')}</Tag> : null}
              {!r.insecure && !r.caBundle ? t('registries.systemTrust') : null}
            </Descriptions.Item>
            <Descriptions.Item label={t('clusters.createdBy')}>{r.createdBy || '-'}</Descriptions.Item>
            <Descriptions.Item label={t('col.age')}>
              <Age since={r.createdAt} />
            </Descriptions.Item>
          </Descriptions>
          <Tabs
            activeKey={tab}
            onChange={(k) => setParams(k === 'images' ? {} : { tab: k })}
            items={[
              { key: 'images', label: t('registries.images'), children: <RegistryBrowser scope={scope} registry={r} onCopy={(repository, reference) => setCopy({ registry: name, repository, reference })} /> },
              { key: 'copies', label: t('registries.copies'), children: <CopiesTab scope={scope} registry={name} /> },
              { key: 'pullsecrets', label: t('registries.pullSecrets'), children: <PullSecretsTab scope={scope} registry={name} /> },
              { key: 'webhooks', label: t('registries.webhooks'), children: <WebhooksTab scope={scope} registry={name} type={r.type} /> },
            ]}
          />
          <RegistryDialog open={editing} onClose={() => setEditing(false)} scope={scope} registry={r} />
        </>
      ) : null}
      <CopyDialog scope={scope} source={copy} onClose={() => setCopy(undefined)} />
    </>
  );
}
