import { Menu, Typography } from 'antd';
import type { ItemType } from 'antd/es/menu/interface';
import { useTranslation } from 'react-i18next';
import { useLocation, useNavigate } from 'react-router';
import { useMe } from '../auth/useMe';
import { links } from '../nav/links';
import { useScope } from '../nav/useScope';
import { useLastNamespace } from './useLastNamespace';

/** SideNav lists the sections of the platform and of the cluster in view. */
export function SideNav() {
  const { t } = useTranslation();
  const nav = useNavigate();
  const loc = useLocation();
  const { cluster, namespace } = useScope();
  const me = useMe();
  const last = useLastNamespace(cluster);
  const ns = namespace && namespace !== '_all' ? namespace : last;
  const items: ItemType[] = [{ key: links.clusters(), label: t('nav.clusters') }];
  if (cluster) {
    const c = (s: string) => links.clusterSection(cluster, s);
    const n = (k: string) => links.nsList(cluster, ns, k);
    items.push(
      {
        type: 'group',
        key: 'cluster',
        label: cluster,
        children: [
          { key: links.cluster(cluster), label: t('nav.overview') },
          { key: c('nodes'), label: t('nav.nodes') },
          { key: c('namespaces'), label: t('nav.namespaces') },
          { key: c('projects'), label: t('nav.projects') },
          { key: c('members'), label: t('nav.members') },
        ],
      },
      {
        type: 'group',
        key: 'workloads',
        label: t('nav.workloads'),
        children: [
          { key: n('deployments'), label: t('kind.deployments') },
          { key: n('statefulsets'), label: t('kind.statefulsets') },
          { key: n('daemonsets'), label: t('kind.daemonsets') },
          { key: n('jobs'), label: t('kind.jobs') },
          { key: n('cronjobs'), label: t('kind.cronjobs') },
          { key: n('workloadcrs'), label: t('kind.workloadcrs') },
          { key: links.nsList(cluster, namespace ?? '_all', 'pods'), label: t('kind.pods') },
        ],
      },
      {
        type: 'group',
        key: 'config',
        label: t('nav.config'),
        children: [
          { key: n('configmaps'), label: t('kind.configmaps') },
          { key: n('secrets'), label: t('kind.secrets') },
        ],
      },
      {
        type: 'group',
        key: 'network',
        label: t('nav.network'),
        children: [
          { key: n('services'), label: t('kind.services') },
          { key: n('ingresses'), label: t('kind.ingresses') },
        ],
      },
      {
        type: 'group',
        key: 'storage',
        label: t('nav.storage'),
        children: [
          { key: n('persistentvolumeclaims'), label: t('kind.persistentvolumeclaims') },
          { key: c('persistentvolumes'), label: t('kind.persistentvolumes') },
          { key: c('storageclasses'), label: t('kind.storageclasses') },
        ],
      },
      {
        type: 'group',
        key: 'more',
        label: t('nav.more'),
        children: [
          { key: n('events'), label: t('kind.events') },
          { key: links.kinds(cluster), label: t('nav.resources') },
          { key: links.apply(cluster), label: t('nav.apply') },
        ],
      },
    );
  }
  // Add-ons: the catalog is the platform's (or a project's), releases are a cluster's.
  const releasesKey = cluster ? links.releases(cluster) : '/releases';
  items.push({
    type: 'group',
    key: 'addons',
    label: t('nav.addons'),
    children: [
      { key: links.addons(), label: t('nav.catalog') },
      { key: releasesKey, label: t('nav.releases') },
      { key: links.chartRepos(), label: t('nav.chartRepos') },
    ],
  });
  const platform: ItemType[] = [{ key: links.tokens(), label: t('nav.tokens') }];
  // Pipelines are a project's: everyone's; the platform's own image
  // registries and credentials are an admin's.
  const devops: ItemType[] = [{ key: '/pipelines', label: t('nav.pipelines') }];
  if (me.data?.role === 'admin') devops.push({ key: links.registries(), label: t('nav.registries') }, { key: links.credentials(), label: t('nav.credentials') });
  items.push({ type: 'group', key: 'devops', label: t('nav.devops'), children: devops });
  if (me.data?.role === 'admin') {
    platform.unshift({ key: links.users(), label: t('nav.users') }, { key: links.audit(), label: t('nav.audit') });
  }
  items.push({ type: 'group', key: 'platform', label: t('nav.platform'), children: platform });
  // The longest menu key that prefixes the location is the page in view.
  const keys: string[] = [];
  const walk = (list: ItemType[]) =>
    list.forEach((i) => {
      if (i && 'children' in i && i.children) walk(i.children as ItemType[]);
      else if (i && i.key) keys.push(String(i.key));
    });
  walk(items);
  const here = decodeURIComponent(loc.pathname);
  const selected = /^\/clusters\/[^/]+\/(ns\/[^/]+\/)?releases(\/|$)/.test(here)
    ? releasesKey
    : /^\/clusters\/[^/]+\/projects\/[^/]+\/pipeline/.test(here)
      ? '/pipelines'
      : keys.filter((k) => here === decodeURIComponent(k) || here.startsWith(decodeURIComponent(k) + '/')).sort((a, b) => b.length - a.length)[0];
  return (
    <nav aria-label={t('nav.main')}>
      <Typography.Title level={2} style={{ fontSize: 18, padding: '14px 20px 6px', margin: 0 }}>
        Wheelhouse
      </Typography.Title>
      <Menu mode="inline" items={items} selectedKeys={selected ? [selected] : []} onClick={(e) => nav(e.key)} style={{ borderInlineEnd: 0 }} />
    </nav>
  );
}
