import { useMutation, useQuery } from '@tanstack/react-query';
import { App, Button, Popconfirm, Spin } from 'antd';
import { useTranslation } from 'react-i18next';
import { useNavigate, useParams, useSearchParams } from 'react-router';
import { stringify } from 'yaml';
import { api, query } from '../../api/client';
import { usePermissions } from '../../auth/usePermissions';
import { YamlApply } from '../../components/apply/YamlApply';
import { ErrorView, errorMessage } from '../../components/ErrorView';
import { PageHeader } from '../../components/PageHeader';
import { apiCluster, apiNs, links } from '../../nav/links';

/** The fields the server owns, left out of what the user edits and applies. */
function editable(obj: Record<string, any>): Record<string, unknown> {
  const { status: _status, ...rest } = obj;
  const { uid: _u, resourceVersion: _rv, creationTimestamp: _c, generation: _g, managedFields: _m, selfLink: _s, ...meta } = rest.metadata ?? {};
  return { ...rest, metadata: meta };
}

/** One object of any kind as YAML: edit it through the apply endpoint (dry-run diff first), or delete it. */
export default function ResourceYamlPage() {
  const { cluster = '', group = '', version = '', resource = '', name = '' } = useParams();
  const [params] = useSearchParams();
  const namespace = params.get('namespace') ?? undefined;
  const { t } = useTranslation();
  const { message } = App.useApp();
  const nav = useNavigate();
  const can = usePermissions({ cluster, namespace });
  const path = `${apiCluster(cluster)}/resources/${group}/${version}/${resource}/${encodeURIComponent(name)}${query({ namespace })}`;
  const q = useQuery({ queryKey: ['object', path], queryFn: () => api<Record<string, any>>(path) });
  const del = useMutation({
    mutationFn: () => api(path, { method: 'DELETE' }),
    onSuccess: () => nav(links.kind(cluster, group, version, resource)),
    onError: (e) => void message.error(errorMessage(e)),
  });
  const applyPath = namespace ? `${apiNs(cluster, namespace)}/apply` : `${apiCluster(cluster)}/apply`;
  return (
    <>
      <PageHeader
        title={name}
        sub={`${q.data?.kind ?? resource}${namespace ? ` · ${namespace}` : ''}`}
        extra={
          can('delete', resource) ? (
            <Popconfirm title={t('resources.deleteConfirm', { name })} onConfirm={() => del.mutate()}>
              <Button danger>{t('action.delete')}</Button>
            </Popconfirm>
          ) : null
        }
      />
      {q.error ? <ErrorView error={q.error} cluster={cluster} /> : null}
      {q.isLoading ? <Spin style={{ display: 'block', margin: 24 }} /> : null}
      {q.data ? (
        <YamlApply
          key={q.data.metadata?.resourceVersion}
          applyPath={applyPath}
          initial={stringify(editable(q.data))}
          canApply={can('update', resource)}
          onApplied={() => {
            void message.success(t('apply.applied'));
            void q.refetch();
          }}
        />
      ) : null}
    </>
  );
}
