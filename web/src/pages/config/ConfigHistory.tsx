// A ConfigMap's or Secret's versions: compare any two side by side (each
// changed key with its value before and after), and
// roll back to one (written back as a new version).
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { App, Button, Card, Flex, Popconfirm, Select, Table, Tag } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api, query } from '../../api/client';
import type { ConfigDiff, ConfigVersion, List } from '../../api/types';
import { Age } from '../../components/Age';
import { ErrorView, errorMessage } from '../../components/ErrorView';
import type { ConfigKind } from './configKind';

interface Props {
  base: string;
  kind: ConfigKind;
  canUpdate: boolean;
  reveal: boolean;
  onRolledBack: () => void;
}

export function ConfigHistory({ base, kind, canUpdate, reveal, onRolledBack }: Props) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const qc = useQueryClient();
  const versions = useQuery({ queryKey: ['versions', base], queryFn: () => api<List<ConfigVersion>>(`${base}/versions?limit=1000`) });
  const items = [...(versions.data?.items ?? [])].sort((a, b) => b.version - a.version);
  const [from, setFrom] = useState<number>();
  const [to, setTo] = useState<number>();
  const f = from ?? items[1]?.version;
  const tv = to ?? items[0]?.version;
  const secretReveal = kind === 'secrets' && reveal ? true : undefined;
  const diff = useQuery({
    queryKey: ['diff', base, f, tv, secretReveal],
    enabled: f !== undefined && tv !== undefined,
    queryFn: () => api<ConfigDiff>(`${base}/diff${query({ from: f, to: tv, reveal: secretReveal })}`),
  });
  const rollback = useMutation({
    mutationFn: (v: number) => api(`${base}/rollback`, { method: 'POST', body: { version: v } }),
    onSuccess: () => {
      void message.success(t('config.rolledBack'));
      void qc.invalidateQueries({ queryKey: ['versions', base] });
      onRolledBack();
    },
    onError: (e) => void message.error(errorMessage(e)),
  });
  const options = items.map((v) => ({ value: v.version, label: `v${v.version} · ${v.change}` }));
  const changeColor: Record<string, string> = { added: 'success', removed: 'error', changed: 'processing' };
  return (
    <>
      {versions.error ? <ErrorView error={versions.error} /> : null}
      <Table<ConfigVersion>
        size="small"
        rowKey="version"
        pagination={false}
        dataSource={items}
        style={{ marginBottom: 16 }}
        columns={[
          { title: t('config.version'), render: (_, v) => `v${v.version}` },
          { title: t('config.change'), render: (_, v) => <Tag>{v.change}</Tag> },
          { title: t('config.by'), dataIndex: 'createdBy' },
          { title: t('col.age'), render: (_, v) => <Age since={v.createdAt} /> },
          { title: t('config.keys'), render: (_, v) => (v.keys ?? []).join(', ') },
          {
            title: t('col.actions'),
            render: (_, v) =>
              canUpdate && v.version !== items[0]?.version ? (
                <Popconfirm title={t('config.rollbackConfirm', { version: v.version })} onConfirm={() => rollback.mutate(v.version)}>
                  <Button size="small">{t('config.rollbackTo', { version: v.version })}</Button>
                </Popconfirm>
              ) : null,
          },
        ]}
      />
      {items.length >= 2 ? (
        <Card size="small" title={t('config.compare')}>
          <Flex gap={8} align="center" style={{ marginBottom: 8 }}>
            <Select aria-label={t('config.from')} value={f} onChange={setFrom} options={options} style={{ width: 200 }} />
            <span aria-hidden>→</span>
            <Select aria-label={t('config.to')} value={tv} onChange={setTo} options={options} style={{ width: 200 }} />
          </Flex>
          <Table
            size="small"
            rowKey="key"
            pagination={false}
            dataSource={diff.data?.changes ?? []}
            style={{ marginBottom: 8 }}
            columns={[
              { title: t('form.key'), dataIndex: 'key' },
              { title: t('config.change'), render: (_, c) => <Tag color={changeColor[c.change]}>{t(`config.change_${c.change}`)}</Tag> },
              { title: t('config.from'), render: (_, c) => <code>{c.from}</code> },
              { title: t('config.to'), render: (_, c) => <code>{c.to}</code> },
            ]}
          />
        </Card>
      ) : null}
    </>
  );
}
