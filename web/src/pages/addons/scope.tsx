// The scope the catalog is read in: the whole platform for admins; for
// everyone else a project of a cluster, chosen with ScopePicker and kept in
// the address (?cluster=&project=) so that links carry it.
import { useQuery } from '@tanstack/react-query';
import { Flex, Select } from 'antd';
import { useEffect } from 'react';
import { useTranslation } from 'react-i18next';
import { useSearchParams } from 'react-router';
import { api } from '../../api/client';
import type { RecordScope } from '../../api/registries';
import type { List, Project } from '../../api/types';
import { useMe } from '../../auth/useMe';
import { apiCluster } from '../../nav/links';
import { useClusterNames } from '../../nav/useClusterNames';

/** useCatalogScope is the scope of the catalog for the signed-in user; ready is false until it is known. */
export function useCatalogScope(): { scope: RecordScope; admin: boolean; ready: boolean } {
  const me = useMe();
  const [params] = useSearchParams();
  const admin = me.data?.role === 'admin';
  const cluster = params.get('cluster') ?? undefined;
  const project = params.get('project') ?? undefined;
  if (admin) return { scope: {}, admin, ready: true };
  return { scope: { cluster, project }, admin, ready: !!me.data && !!cluster && !!project };
}

export function useProjects(cluster?: string) {
  return useQuery({
    queryKey: ['projects', cluster],
    enabled: !!cluster,
    queryFn: () => api<List<Project>>(`${apiCluster(cluster!)}/projects?limit=1000`),
  });
}

/** ScopePicker chooses the cluster and project whose catalog a member reads. */
export function ScopePicker({ scope }: { scope: RecordScope }) {
  const { t } = useTranslation();
  const [params, setParams] = useSearchParams();
  const clusters = useClusterNames();
  const projects = useProjects(scope.cluster);
  const set = (k: string, v?: string) => {
    const next = new URLSearchParams(params);
    if (v) next.set(k, v);
    else next.delete(k);
    if (k === 'cluster') next.delete('project');
    setParams(next, { replace: true });
  };
  // The first cluster and project, until the user chooses.
  useEffect(() => {
    const first = !scope.cluster ? clusters.data?.[0] : !scope.project ? projects.data?.items[0]?.name : undefined;
    if (first) set(scope.cluster ? 'project' : 'cluster', first);
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [scope.cluster, scope.project, clusters.data, projects.data]);
  return (
    <Flex gap={8} wrap="wrap">
      <Select
        aria-label={t('header.cluster')}
        placeholder={t('header.cluster')}
        style={{ width: 180 }}
        value={scope.cluster}
        onChange={(v) => set('cluster', v)}
        options={(clusters.data ?? []).map((c) => ({ value: c, label: c }))}
      />
      <Select
        aria-label={t('addons.project')}
        placeholder={t('addons.project')}
        style={{ width: 180 }}
        value={scope.project}
        disabled={!scope.cluster}
        loading={projects.isLoading}
        onChange={(v) => set('project', v)}
        options={(projects.data?.items ?? []).map((p) => ({ value: p.name, label: p.displayName || p.name }))}
      />
    </Flex>
  );
}
