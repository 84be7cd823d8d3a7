// Browse a registry: its namespaces (where the type has them), their
// repositories, a repository's tags. Every level is paged and filtered by
// the server; where the user is lives in the URL (?ns=&repo=).
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { App, Breadcrumb, Button, Flex, Input, Popconfirm, Space, Table, Tag, Typography } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useSearchParams } from 'react-router';
import { api, query } from '../../api/client';
import { recordPaths, type ImagePlatform, type ImageTag, type RecordScope, type Registry, type RegistryNamespace, type RegistryPage, type RegistryRepository } from '../../api/registries';
import { Age } from '../../components/Age';
import { Digest } from '../../components/Digest';
import { ErrorView, errorMessage } from '../../components/ErrorView';
import { bytes } from '../../components/format';
import { Pager, useServerPages } from '../../components/ServerPager';
import { connectionOf } from './connection';
import { ConnectionResult } from './RegistryStatus';

export const platformText = (p: ImagePlatform) => [p.os, p.architecture, p.variant].filter(Boolean).join('/');

/** The host/path an image is pulled by, from the registry's endpoint. */
export const imageRef = (endpoint: string, repository: string, tag: string) => `${endpoint.replace(/^https?:\/\//, '')}/${repository}:${tag}`;

interface Props {
  scope: RecordScope;
  registry: Registry;
  /** Opens the copy dialog with this tag as the source. */
  onCopy: (repository: string, tag: string) => void;
}

export function RegistryBrowser({ scope, registry, onCopy }: Props) {
  const { t } = useTranslation();
  const [params, setParams] = useSearchParams();
  const ns = params.get('ns') ?? '';
  const repo = params.get('repo') ?? '';
  const filter = params.get('filter') ?? '';
  const [size, setSize] = useState(20);
  // Where a level's link goes: the other parameters (the tab) stay.
  const searchFor = (next: { ns?: string; repo?: string; filter?: string }) => {
    const p = new URLSearchParams(params);
    for (const k of ['ns', 'repo', 'filter'] as const) {
      const v = next[k];
      if (v) p.set(k, v);
      else p.delete(k);
    }
    return `?${p}`;
  };
  const level = repo ? 'tags' : registry.hasNamespaces && !ns ? 'namespaces' : 'repositories';
  const crumbs = [
    { title: repo || ns ? <Link to={searchFor({})}>{registry.name}</Link> : registry.name },
    ...(ns ? [{ title: repo ? <Link to={searchFor({ ns })}>{ns}</Link> : ns }] : []),
    ...(repo ? [{ title: repo }] : []),
  ];
  return (
    <>
      <Breadcrumb items={crumbs} style={{ marginBottom: 12 }} />
      <Flex gap={12} align="center" style={{ marginBottom: 8 }}>
        <Input.Search
          key={`${level}-${ns}-${repo}`}
          aria-label={t(`registries.filter_${level}`)}
          placeholder={t(`registries.filter_${level}`)}
          defaultValue={filter}
          allowClear
          style={{ maxWidth: 320 }}
          onSearch={(v) => setParams(new URLSearchParams(searchFor({ ns, repo, filter: v }).slice(1)))}
        />
      </Flex>
      {level === 'namespaces' ? <Namespaces scope={scope} registry={registry} filter={filter} size={size} onSize={setSize} linkTo={(n) => searchFor({ ns: n })} /> : null}
      {level === 'repositories' ? <Repositories scope={scope} registry={registry} ns={ns} filter={filter} size={size} onSize={setSize} linkTo={(r) => searchFor({ ns, repo: r })} /> : null}
      {level === 'tags' ? <Tags scope={scope} registry={registry} repository={repo} filter={filter} size={size} onSize={setSize} onCopy={onCopy} /> : null}
    </>
  );
}

interface LevelProps {
  scope: RecordScope;
  registry: Registry;
  filter: string;
  size: number;
  onSize: (n: number) => void;
}

/** BrowseError shows why a listing failed: a registry that cannot be used says why and what to change. */
function BrowseError({ error }: { error: unknown }) {
  const c = connectionOf(error);
  return c ? <ConnectionResult connection={c} /> : <ErrorView error={error} />;
}

function usePages<T>(scope: RecordScope, registry: Registry, what: string, params: Record<string, string | number>) {
  const path = `${recordPaths(scope).registry(registry.name)}/${what}`;
  return useServerPages<T>(['registry-browse', path, params], (cont) => api<RegistryPage<T>>(`${path}${query({ ...params, continue: cont })}`));
}

function Namespaces({ scope, registry, filter, size, onSize, linkTo }: LevelProps & { linkTo: (ns: string) => string }) {
  const { t } = useTranslation();
  const p = usePages<RegistryNamespace>(scope, registry, 'namespaces', { name: filter, limit: size });
  if (p.query.error) return <BrowseError error={p.query.error} />;
  return (
    <>
      <Table<RegistryNamespace>
        size="small"
        rowKey="name"
        loading={p.query.isFetching}
        dataSource={p.items}
        pagination={false}
        columns={[
          { title: t('registries.namespace'), render: (_, n) => <Link to={linkTo(n.name)}>{n.name}</Link> },
          { title: t('registries.repositories'), render: (_, n) => n.repositories ?? '-' },
          { title: t('registries.visibility'), render: (_, n) => (n.public === undefined ? '-' : n.public ? t('registries.public') : t('registries.private')) },
          { title: t('col.age'), render: (_, n) => <Age since={n.createdAt} /> },
        ]}
      />
      <Pager label={t('registries.namespaces')} page={p.page} total={p.total} next={p.next} prev={p.prev} size={size} onSize={onSize} />
    </>
  );
}

function Repositories({ scope, registry, ns, filter, size, onSize, linkTo }: LevelProps & { ns: string; linkTo: (repo: string) => string }) {
  const { t } = useTranslation();
  const p = usePages<RegistryRepository>(scope, registry, 'repositories', { namespace: ns, name: filter, limit: size });
  if (p.query.error) return <BrowseError error={p.query.error} />;
  return (
    <>
      <Table<RegistryRepository>
        size="small"
        rowKey="name"
        loading={p.query.isFetching}
        dataSource={p.items}
        pagination={false}
        columns={[
          { title: t('registries.repository'), render: (_, r) => <Link to={linkTo(r.name)}>{r.name}</Link> },
          // Columns the registry leaves empty (distribution keeps no counts or times) are left out.
          ...(p.items.some((r) => r.tags !== undefined) ? [{ key: 'tags', title: t('registries.tagCount'), render: (_: unknown, r: RegistryRepository) => r.tags ?? '-' }] : []),
          ...(p.items.some((r) => r.updatedAt) ? [{ key: 'updated', title: t('registries.updated'), render: (_: unknown, r: RegistryRepository) => <Age since={r.updatedAt} /> }] : []),
        ]}
      />
      <Pager label={t('registries.repositories')} page={p.page} total={p.total} next={p.next} prev={p.prev} size={size} onSize={onSize} />
    </>
  );
}

function Tags({ scope, registry, repository, filter, size, onSize, onCopy }: LevelProps & { repository: string; onCopy: (repository: string, tag: string) => void }) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const qc = useQueryClient();
  const p = usePages<ImageTag>(scope, registry, 'tags', { repository, name: filter, limit: size });
  const del = useMutation({
    mutationFn: (tag: string) => api(`${recordPaths(scope).registry(registry.name)}/tags${query({ repository, tag })}`, { method: 'DELETE' }),
    onSuccess: (_, tag) => {
      void message.success(t('registries.tagDeleted', { tag }));
      void qc.invalidateQueries({ queryKey: ['registry-browse'] });
    },
    onError: (e) => void message.error(errorMessage(e)),
  });
  if (p.query.error) return <BrowseError error={p.query.error} />;
  return (
    <>
      <Table<ImageTag>
        size="small"
        rowKey={(x) => x.name || x.digest || ''}
        loading={p.query.isFetching}
        dataSource={p.items}
        pagination={false}
        columns={[
          {
            title: t('registries.tag'),
            render: (_, x) =>
              x.name ? (
                <Typography.Text strong copyable={{ text: imageRef(registry.endpoint, repository, x.name), tooltips: [t('registries.copyRef'), t('registries.copied')] }}>
                  {x.name}
                </Typography.Text>
              ) : (
                <Typography.Text type="secondary">{t('registries.untagged')}</Typography.Text>
              ),
          },
          { title: t('registries.digest'), render: (_, x) => <Digest digest={x.digest} /> },
          { title: t('registries.size'), render: (_, x) => (x.size ? bytes(x.size) : '-') },
          ...(p.items.some((x) => x.pushedAt) ? [{ key: 'pushed', title: t('registries.pushed'), render: (_: unknown, x: ImageTag) => (x.pushedAt ? <Age since={x.pushedAt} /> : '-') }] : []),
          {
            title: t('registries.platforms'),
            render: (_, x) => (
              <Flex gap={4} wrap="wrap">
                {x.platforms.map((pl) => (
                  <Tag key={platformText(pl)} style={{ marginInlineEnd: 0 }}>
                    {platformText(pl)}
                  </Tag>
                ))}
              </Flex>
            ),
          },
          {
            title: t('col.actions'),
            render: (_, x) =>
              x.name ? (
                <Space size={4}>
                  <Button size="small" onClick={() => onCopy(repository, x.name)}>
                    {t('registries.copyImage')}
                  </Button>
                  <Popconfirm title={t('registries.deleteTagConfirm', { tag: x.name, repository })} description={t('registries.deleteTagHint')} onConfirm={() => del.mutateAsync(x.name).catch(() => {})}>
                    <Button size="small" danger>
                      {t('action.delete')}
                    </Button>
                  </Popconfirm>
                </Space>
              ) : null,
          },
        ]}
      />
      <Pager label={t('registries.tags')} page={p.page} total={p.total} next={p.next} prev={p.prev} size={size} onSize={onSize} />
    </>
  );
}
