import { useMutation, useQuery } from '@tanstack/react-query';
import { App, Button, Card, Descriptions, Flex, Popconfirm, Table, Tag, Spin } from 'antd';
import { useTranslation } from 'react-i18next';
import { Link, useNavigate, useParams } from 'react-router';
import { api } from '../../api/client';
import type { LimitRange, List, NamespaceDetail } from '../../api/types';
import { usePermissions } from '../../auth/usePermissions';
import { Age } from '../../components/Age';
import { ErrorView, errorMessage } from '../../components/ErrorView';
import { KeyValues } from '../../components/KeyValues';
import { PageHeader } from '../../components/PageHeader';
import { StatusTag } from '../../components/StatusTag';
import { UsageBar } from '../../components/UsageBar';
import { apiNs, links } from '../../nav/links';
import { QuotaEditor } from './QuotaEditor';

export default function NamespaceDetailPage() {
  const { cluster = '', namespace = '' } = useParams();
  const { t } = useTranslation();
  const { message } = App.useApp();
  const nav = useNavigate();
  const can = usePermissions({ cluster, namespace });
  const q = useQuery({ queryKey: ['namespace', cluster, namespace], queryFn: () => api<NamespaceDetail>(apiNs(cluster, namespace)) });
  const limits = useQuery({ queryKey: ['limitranges', cluster, namespace], queryFn: () => api<List<LimitRange>>(`${apiNs(cluster, namespace)}/limitranges`) });
  const del = useMutation({
    mutationFn: () => api(`${apiNs(cluster, namespace)}?force=true`, { method: 'DELETE' }),
    onSuccess: () => nav(links.clusterSection(cluster, 'namespaces')),
    onError: (e) => void message.error(errorMessage(e)),
  });
  const n = q.data;
  return (
    <>
      <PageHeader
        title={namespace}
        sub={n ? <StatusTag status={n.phase} /> : null}
        extra={
          can('delete', 'namespaces') ? (
            <Popconfirm title={t('namespaces.deleteConfirm', { name: namespace })} onConfirm={() => del.mutate()}>
              <Button danger>{t('action.delete')}</Button>
            </Popconfirm>
          ) : null
        }
      />
      {q.error ? <ErrorView error={q.error} cluster={cluster} /> : null}
      {q.isLoading ? <Spin style={{ display: 'block', margin: 24 }} /> : null}
      {n ? (
        <>
          <Descriptions bordered size="small" column={2} style={{ marginBottom: 16 }}>
            <Descriptions.Item label={t('col.labels')} span={2}>
              <KeyValues map={n.labels} />
            </Descriptions.Item>
            <Descriptions.Item label={t('col.age')}>
              <Age since={n.creationTimestamp} />
            </Descriptions.Item>
            <Descriptions.Item label={t('namespaces.contents')}>
              <Flex wrap="wrap" gap={4}>
                {Object.entries(n.counts ?? {}).map(([k, v]) => (
                  <Link key={k} to={links.nsList(cluster, namespace, k)}>
                    <Tag>{`${t(`kind.${k}`, { defaultValue: k })}: ${v}`}</Tag>
                  </Link>
                ))}
              </Flex>
            </Descriptions.Item>
          </Descriptions>
          <Card size="small" title={t('kind.resourcequotas')} style={{ marginBottom: 16 }} extra={can('create', 'resourcequotas') ? <QuotaEditor cluster={cluster} namespace={namespace} /> : null}>
            {(n.quotas ?? []).map((quota) => (
              <div key={quota.name} style={{ marginBottom: 12 }}>
                <strong>{quota.name}</strong>
                {(quota.usage ?? []).map((u) => (
                  <UsageBar key={u.resource} label={`${quota.name} ${u.resource}`} percent={u.percent} text={`${u.resource}: ${u.used} / ${u.hard}`} />
                ))}
              </div>
            ))}
            {(n.quotas ?? []).length === 0 ? t('list.empty') : null}
          </Card>
          <Card size="small" title={t('kind.limitranges')}>
            <Table
              size="small"
              pagination={false}
              rowKey={(r) => `${r.name}-${r.type}`}
              dataSource={(limits.data?.items ?? []).flatMap((lr) => lr.limits.map((l) => ({ name: lr.name, ...l })))}
              columns={[
                { title: t('col.name'), dataIndex: 'name' },
                { title: t('col.type'), dataIndex: 'type' },
                { title: t('limits.max'), render: (_, l) => <KeyValues map={l.max} /> },
                { title: t('limits.min'), render: (_, l) => <KeyValues map={l.min} /> },
                { title: t('limits.default'), render: (_, l) => <KeyValues map={l.default} /> },
                { title: t('limits.defaultRequest'), render: (_, l) => <KeyValues map={l.defaultRequest} /> },
              ]}
            />
          </Card>
        </>
      ) : null}
    </>
  );
}
