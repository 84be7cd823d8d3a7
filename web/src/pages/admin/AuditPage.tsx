import { useInfiniteQuery } from '@tanstack/react-query';
import { Button, Form, Input, Select, Table, Tag } from 'antd';
import { useTranslation } from 'react-i18next';
import { useSearchParams } from 'react-router';
import { api, query } from '../../api/client';
import type { AuditEntry, List } from '../../api/types';
import { ErrorView } from '../../components/ErrorView';
import { PageHeader } from '../../components/PageHeader';

export default function AuditPage() {
  const { t } = useTranslation();
  const [params, setParams] = useSearchParams();
  const filters = { user: params.get('user') ?? '', action: params.get('action') ?? '', outcome: params.get('outcome') ?? '', target: params.get('target') ?? '' };
  const q = useInfiniteQuery({
    queryKey: ['audit', filters],
    initialPageParam: '',
    queryFn: ({ pageParam }) => api<List<AuditEntry>>(`/api/v1/audit${query({ ...filters, limit: 200, continue: pageParam })}`),
    getNextPageParam: (last) => last.continue || undefined,
  });
  const rows = q.data?.pages.flatMap((p) => p.items) ?? [];
  return (
    <>
      <PageHeader title={t('nav.audit')} />
      <Form
        layout="inline"
        initialValues={filters}
        onFinish={(v: Record<string, string | undefined>) => setParams(Object.fromEntries(Object.entries(v).filter(([, x]) => x)) as Record<string, string>)}
        style={{ marginBottom: 12 }}
      >
        <Form.Item name="user">
          <Input aria-label={t('audit.user')} placeholder={t('audit.user')} />
        </Form.Item>
        <Form.Item name="action">
          <Input aria-label={t('audit.action')} placeholder={t('audit.action')} />
        </Form.Item>
        <Form.Item name="target">
          <Input aria-label={t('audit.target')} placeholder={t('audit.target')} />
        </Form.Item>
        <Form.Item name="outcome">
          <Select
            aria-label={t('audit.outcome')}
            placeholder={t('audit.outcome')}
            allowClear
            style={{ width: 130 }}
            options={['allowed', 'denied', 'failed'].map((o) => ({ value: o, label: o }))}
          />
        </Form.Item>
        <Button htmlType="submit">{t('action.filter')}</Button>
      </Form>
      {q.error ? <ErrorView error={q.error} /> : null}
      <Table<AuditEntry>
        size="small"
        rowKey="id"
        loading={q.isLoading}
        dataSource={rows}
        pagination={false}
        columns={[
          { title: t('audit.time'), render: (_, e) => new Date(e.time).toLocaleString() },
          { title: t('audit.user'), dataIndex: 'username' },
          { title: t('audit.action'), dataIndex: 'action' },
          { title: t('audit.target'), dataIndex: 'target' },
          { title: t('audit.outcome'), render: (_, e) => <Tag color={e.outcome === 'allowed' || e.outcome === 'success' ? 'success' : 'error'}>{e.outcome}</Tag> },
          { title: t('audit.status'), dataIndex: 'statusCode' },
          { title: t('audit.source'), dataIndex: 'sourceAddr' },
        ]}
      />
      {q.hasNextPage ? (
        <Button style={{ marginTop: 8 }} onClick={() => void q.fetchNextPage()} loading={q.isFetchingNextPage}>
          {t('list.more')}
        </Button>
      ) : null}
    </>
  );
}
