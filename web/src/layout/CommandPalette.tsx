// Ctrl/Cmd-K: jump to any page, cluster, namespace or object by name.
import { useQuery } from '@tanstack/react-query';
import { Input, Modal, Tag, theme } from 'antd';
import { useEffect, useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useNavigate } from 'react-router';
import { api, query } from '../api/client';
import type { List as ApiList, Namespace, SearchHit } from '../api/types';
import { hitLink } from '../nav/hitLink';
import { apiCluster, links } from '../nav/links';
import { useClusterNames } from '../nav/useClusterNames';
import { useScope } from '../nav/useScope';
import { useLastNamespace } from './useLastNamespace';

interface Entry {
  key: string;
  label: string;
  kind: string;
  to: string;
}

function useDebounced<T>(value: T, ms: number): T {
  const [v, setV] = useState(value);
  useEffect(() => {
    const t = setTimeout(() => setV(value), ms);
    return () => clearTimeout(t);
  }, [value, ms]);
  return v;
}

export function CommandPalette({ open, onClose }: { open: boolean; onClose: () => void }) {
  const { t } = useTranslation();
  const { token } = theme.useToken();
  const nav = useNavigate();
  const [text, setText] = useState('');
  const [active, setActive] = useState(0);
  const { cluster } = useScope();
  const ns = useLastNamespace(cluster);
  const clusters = useClusterNames();
  const namespaces = useQuery({
    queryKey: ['ns-names', cluster],
    enabled: open && !!cluster,
    queryFn: () => api<ApiList<Namespace>>(`${apiCluster(cluster!)}/namespaces?limit=1000`),
  });
  const q = useDebounced(text.trim(), 200);
  const hits = useQuery({
    queryKey: ['palette-search', q],
    enabled: open && q.length >= 2,
    queryFn: () => api<{ items: SearchHit[] }>(`/api/v1/search${query({ q, limit: 20 })}`),
  });

  const entries = useMemo(() => {
    const list: Entry[] = [
      { key: 'p:clusters', label: t('nav.clusters'), kind: t('palette.page'), to: links.clusters() },
      { key: 'p:users', label: t('nav.users'), kind: t('palette.page'), to: links.users() },
      { key: 'p:audit', label: t('nav.audit'), kind: t('palette.page'), to: links.audit() },
      { key: 'p:tokens', label: t('nav.tokens'), kind: t('palette.page'), to: links.tokens() },
      { key: 'p:registries', label: t('nav.registries'), kind: t('palette.page'), to: links.registries() },
      { key: 'p:chart-repos', label: t('nav.chartRepos'), kind: t('palette.page'), to: links.chartRepos() },
      { key: 'p:credentials', label: t('nav.credentials'), kind: t('palette.page'), to: links.credentials() },
    ];
    if (cluster) {
      for (const s of ['nodes', 'namespaces', 'projects', 'members', 'persistentvolumes', 'storageclasses']) {
        list.push({ key: `s:${s}`, label: `${cluster} › ${t(`nav.${s}`, { defaultValue: t(`kind.${s}`) })}`, kind: t('palette.page'), to: links.clusterSection(cluster, s) });
      }
      for (const k of ['deployments', 'statefulsets', 'daemonsets', 'jobs', 'cronjobs', 'pods', 'configmaps', 'secrets', 'services', 'ingresses', 'persistentvolumeclaims', 'events']) {
        list.push({ key: `k:${k}`, label: `${cluster} › ${ns} › ${t(`kind.${k}`)}`, kind: t('palette.page'), to: links.nsList(cluster, ns, k) });
      }
      list.push({ key: 's:resources', label: `${cluster} › ${t('nav.resources')}`, kind: t('palette.page'), to: links.kinds(cluster) });
      list.push({ key: 's:apply', label: `${cluster} › ${t('nav.apply')}`, kind: t('palette.page'), to: links.apply(cluster) });
    }
    for (const c of clusters.data ?? []) list.push({ key: `c:${c}`, label: c, kind: t('palette.cluster'), to: links.cluster(c) });
    for (const n of namespaces.data?.items ?? []) list.push({ key: `n:${n.name}`, label: `${cluster} › ${n.name}`, kind: t('palette.namespace'), to: links.namespace(cluster!, n.name) });
    const needle = text.trim().toLowerCase();
    const matched = needle ? list.filter((e) => e.label.toLowerCase().includes(needle)) : list;
    const objects = (q.length >= 2 ? hits.data?.items ?? [] : []).map((h) => ({
      key: `o:${h.cluster}/${h.kind}/${h.namespace}/${h.name}`,
      label: `${h.cluster} › ${h.namespace ? `${h.namespace} › ` : ''}${h.name}`,
      kind: h.kind,
      to: hitLink(h),
    }));
    return [...matched.slice(0, 30), ...objects];
  }, [t, cluster, ns, clusters.data, namespaces.data, hits.data, text, q]);

  useEffect(() => setActive(0), [text]);
  const go = (e: Entry | undefined) => {
    if (!e) return;
    onClose();
    setText('');
    nav(e.to);
  };
  return (
    <Modal open={open} onCancel={onClose} footer={null} title={t('palette.title')} destroyOnHidden width={640}>
      <Input
        autoFocus
        aria-label={t('palette.input')}
        placeholder={t('palette.placeholder')}
        value={text}
        onChange={(e) => setText(e.target.value)}
        onKeyDown={(e) => {
          if (e.key === 'ArrowDown') {
            e.preventDefault();
            setActive((a) => Math.min(entries.length - 1, a + 1));
          } else if (e.key === 'ArrowUp') {
            e.preventDefault();
            setActive((a) => Math.max(0, a - 1));
          } else if (e.key === 'Enter') {
            go(entries[active]);
          }
        }}
        role="combobox"
        aria-expanded
        aria-controls="palette-list"
        aria-activedescendant={entries[active] ? `palette-${active}` : undefined}
      />
      <div id="palette-list" role="listbox" aria-label={t('palette.results')} style={{ maxHeight: 400, overflow: 'auto', marginTop: 8 }}>
        {entries.length === 0 ? <div style={{ padding: 8 }}>{t('palette.empty')}</div> : null}
        {entries.map((e, i) => (
          <div
            key={e.key}
            id={`palette-${i}`}
            role="option"
            aria-selected={i === active}
            onMouseEnter={() => setActive(i)}
            onClick={() => go(e)}
            style={{ padding: '6px 8px', cursor: 'pointer', borderRadius: 4, background: i === active ? token.controlItemBgActive : undefined }}
          >
            <Tag>{e.kind}</Tag> {e.label}
          </div>
        ))}
      </div>
    </Modal>
  );
}
