import { useQuery } from '@tanstack/react-query';
import { Alert, Modal, Table, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { api } from '../../api/client';
import { recordPaths, type Credential, type CredentialUsage, type RecordScope } from '../../api/registries';
import { EmptyText } from '../../components/EmptyText';
import { ErrorView } from '../../components/ErrorView';
import { links } from '../../nav/links';

/** CredentialUsages lists what refers to a credential (GET .../usages). */
export function CredentialUsages({ scope, credential }: { scope: RecordScope; credential: Credential }) {
  const { t } = useTranslation();
  const q = useQuery({
    queryKey: ['credentials', 'usages', recordPaths(scope).credential(credential.id)],
    queryFn: () => api<{ items: CredentialUsage[] }>(`${recordPaths(scope).credential(credential.id)}/usages`),
  });
  if (q.error) return <ErrorView error={q.error} />;
  return (
    <Table<CredentialUsage>
      size="small"
      rowKey={(u) => `${u.kind}/${u.cluster ?? ''}/${u.project ?? ''}/${u.name}/${u.field}`}
      loading={q.isLoading}
      dataSource={q.data?.items ?? []}
      pagination={false}
      locale={{ emptyText: <EmptyText text={t('credentials.unused')} /> }}
      columns={[
        { title: t('credentials.usageKind'), render: (_, u) => t(`credentials.usage_${u.kind}`, { defaultValue: u.kind }) },
        {
          title: t('col.name'),
          render: (_, u) => (u.kind === 'registry' && !u.project ? <Link to={links.registry(u.name)}>{u.name}</Link> : u.name),
        },
        { title: t('credentials.scope'), render: (_, u) => (u.project ? `${u.cluster}/${u.project}` : t('credentials.global')) },
        { title: t('credentials.usageField'), render: (_, u) => t(`credentials.ref_${u.field}`, { defaultValue: u.field }) },
      ]}
    />
  );
}

/**
 * CredentialUsagesDialog shows what uses a credential: from its Usages
 * action, or after a delete the server refused (409) because something
 * still does, with the server's message.
 */
export function CredentialUsagesDialog({ scope, credential, refusal, onClose }: { scope: RecordScope; credential?: Credential; refusal?: string; onClose: () => void }) {
  const { t } = useTranslation();
  return (
    <Modal open={!!credential} title={credential ? t('credentials.usagesTitle', { name: credential.name }) : ''} onCancel={onClose} onOk={onClose} cancelButtonProps={{ style: { display: 'none' } }} destroyOnHidden width={680}>
      {refusal ? <Alert type="warning" showIcon role="alert" message={t('credentials.inUse')} description={refusal} style={{ marginBottom: 12 }} /> : null}
      {refusal ? <Typography.Paragraph>{t('credentials.inUseHint')}</Typography.Paragraph> : null}
      {credential ? <CredentialUsages scope={scope} credential={credential} /> : null}
    </Modal>
  );
}
