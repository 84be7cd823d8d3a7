import { useQuery } from '@tanstack/react-query';
import { Button, Table, Tag, Tooltip } from 'antd';
import { useTranslation } from 'react-i18next';
import { Link, useParams } from 'react-router';
import { api } from '../../api/client';
import type { Condition } from '../../api/types';
import { ageText } from '../../components/Age';
import { ErrorView } from '../../components/ErrorView';
import { PageHeader } from '../../components/PageHeader';
import { StatusTag } from '../../components/StatusTag';
import { apiNs, links } from '../../nav/links';

interface WorkloadCR {
  metadata: { name: string; namespace: string; creationTimestamp: string };
  spec: { type: string };
  status?: { phase?: string; conditions?: Condition[]; replicas?: number; readyReplicas?: number };
}

/** Workload custom resources (apps.wheelhouse.dev) with their phase and conditions. */
export default function WorkloadCRListPage() {
  const { cluster = '', namespace = '' } = useParams();
  const { t } = useTranslation();
  const q = useQuery({
    queryKey: ['workloadcrs', cluster, namespace],
    refetchInterval: 5000,
    queryFn: () => api<{ items: WorkloadCR[] }>(`${apiNs(cluster, namespace)}/workloads`),
  });
  return (
    <>
      <PageHeader
        title={t('kind.workloadcrs')}
        sub="apps.wheelhouse.dev/v1alpha1"
        extra={
          <Link to={links.apply(cluster)}>
            <Button>{t('nav.apply')}</Button>
          </Link>
        }
      />
      {q.error ? <ErrorView error={q.error} cluster={cluster} /> : null}
      <Table<WorkloadCR>
        size="small"
        rowKey={(w) => w.metadata.name}
        loading={q.isLoading}
        dataSource={q.data?.items ?? []}
        pagination={false}
        columns={[
          {
            title: t('col.name'),
            render: (_, w) => <Link to={links.kindObject(cluster, 'apps.wheelhouse.dev', 'v1alpha1', 'workloads', w.metadata.name, namespace)}>{w.metadata.name}</Link>,
          },
          { title: t('col.type'), render: (_, w) => w.spec?.type },
          { title: t('col.phase'), render: (_, w) => <StatusTag status={w.status?.phase} /> },
          { title: t('col.ready'), render: (_, w) => (w.status?.replicas !== undefined ? `${w.status.readyReplicas ?? 0}/${w.status.replicas}` : '-') },
          {
            title: t('workloads.conditions'),
            render: (_, w) =>
              (w.status?.conditions ?? []).map((c) => (
                <Tooltip key={c.type} title={c.message}>
                  <Tag color={c.status === 'True' ? 'success' : 'default'}>{`${c.type}=${c.status}`}</Tag>
                </Tooltip>
              )),
          },
          { title: t('col.age'), render: (_, w) => ageText(w.metadata.creationTimestamp) },
        ]}
      />
    </>
  );
}
