import { Space, Tag, Tooltip } from 'antd';
import { useTranslation } from 'react-i18next';
import { Link, useParams } from 'react-router';
import type { Workload } from '../../api/types';
import { Age } from '../../components/Age';
import { CreateButton } from '../../components/CreateButton';
import { LiveListPage } from '../../components/LiveListPage';
import { StatusTag } from '../../components/StatusTag';
import NotFoundPage from '../NotFoundPage';
import { apiNs, links } from '../../nav/links';
import { workloadKinds, type WorkloadKind } from './workloadForm';

/** progress is the kind's one-glance count: ready/desired, or a Job's successes, or a CronJob's schedule. */
export function Progress({ w }: { w: Workload }) {
  if (w.cronJob) return <span>{w.cronJob.schedule}</span>;
  if (w.job) return <span>{`${w.job.succeeded}/${w.job.completions ?? 1}`}</span>;
  if (w.replicas) return <span>{`${w.replicas.ready}/${w.replicas.desired}`}</span>;
  return <span>-</span>;
}

export default function WorkloadListPage() {
  const { cluster = '', namespace = '', kind = '' } = useParams();
  const { t } = useTranslation();
  if (!workloadKinds.includes(kind as WorkloadKind)) return <NotFoundPage />;
  return (
    <LiveListPage<Workload>
      key={`${cluster}/${namespace}/${kind}`}
      title={t(`kind.${kind}`)}
      cluster={cluster}
      path={`${apiNs(cluster, namespace)}/${kind}`}
      actions={<CreateButton cluster={cluster} namespace={namespace} kind={kind} />}
      columns={[
        { key: 'name', title: t('col.name'), width: 240, render: (w) => <Link to={links.nsObject(cluster, namespace, kind, w.name)}>{w.name}</Link> },
        {
          key: 'status',
          title: t('col.status'),
          width: 160,
          render: (w) => (
            <Space size={2}>
              <StatusTag status={w.status} />
              {w.paused ? <Tag>{t('workloads.paused')}</Tag> : null}
              {w.cronJob?.suspend ? <Tag>{t('workloads.suspended')}</Tag> : null}
            </Space>
          ),
        },
        { key: 'progress', title: kind === 'cronjobs' ? t('workloads.schedule') : t('col.ready'), width: 110, render: (w) => <Progress w={w} /> },
        {
          key: 'images',
          title: t('col.images'),
          width: 'auto',
          render: (w) => (
            <Tooltip title={w.images?.join(', ')}>
              <span>{w.images?.join(', ')}</span>
            </Tooltip>
          ),
        },
        { key: 'age', title: t('col.age'), width: 80, render: (w) => <Age since={w.creationTimestamp} /> },
      ]}
    />
  );
}
