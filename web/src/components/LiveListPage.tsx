// A list page over a cluster list endpoint: filter by name, server pages,
// virtualized rows, and the watch stream keeping it current.
import { Badge, Flex, Tooltip, Typography } from 'antd';
import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { useSearchParams } from 'react-router';
import { NameFilter } from './NameFilter';
import { query } from '../api/client';
import type { Named } from '../live/merge';
import { keyOf } from '../live/merge';
import { useLiveList } from '../live/useLiveList';
import { ErrorView } from './ErrorView';
import { PageHeader } from './PageHeader';
import { VirtualTable, type VColumn } from './VirtualTable';

interface Props<T> {
  title: string;
  /** The list endpoint, without query. */
  path: string;
  columns: VColumn<T>[];
  cluster?: string;
  actions?: ReactNode;
  extraQuery?: Record<string, string | undefined>;
  pageSize?: number;
}

export function LiveIndicator({ mode }: { mode: 'live' | 'polling' | 'connecting' }) {
  const { t } = useTranslation();
  const status = mode === 'live' ? 'success' : mode === 'polling' ? 'warning' : 'default';
  return (
    <Tooltip title={t(`live.${mode}Hint`)}>
      <Badge status={status} text={t(`live.${mode}`)} />
    </Tooltip>
  );
}

export function LiveListPage<T extends Named>({ title, path, columns, cluster, actions, extraQuery, pageSize }: Props<T>) {
  const { t } = useTranslation();
  const [params] = useSearchParams();
  const name = params.get('name') ?? '';
  const list = useLiveList<T>(`${path}${query({ name, ...extraQuery })}`, { pageSize });
  return (
    <>
      <PageHeader title={title} extra={actions} />
      <Flex gap={12} align="center" style={{ marginBottom: 8 }}>
        <NameFilter />
        <Typography.Text type="secondary" aria-live="polite">
          {list.total !== undefined ? t('list.count', { shown: list.rows.length, total: list.total }) : null}
        </Typography.Text>
        <LiveIndicator mode={list.mode} />
      </Flex>
      {list.error ? <ErrorView error={list.error} cluster={cluster} /> : null}
      {!list.error ? (
        <VirtualTable
          label={title}
          rows={list.rows}
          columns={columns}
          rowKey={keyOf}
          onEndReached={list.fetchMore}
          empty={list.isLoading ? t('list.loading') : t('list.empty')}
        />
      ) : null}
    </>
  );
}
