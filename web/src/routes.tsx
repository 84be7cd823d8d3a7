// The route table: every page is its own chunk (React.lazy), so the first
// load carries only the shell; Monaco and xterm come with the pages that use them.
import { lazy, Suspense, type ComponentType } from 'react';
import { createBrowserRouter, Navigate } from 'react-router';
import { Spin } from 'antd';
import { RequireAuth } from './layout/RequireAuth';

// The shell around every page but the login page is a chunk of its own
// too: the login page, the first a new visitor sees, loads without it.
const AppLayout = lazy(() => import('./layout/AppLayout').then((m) => ({ default: m.AppLayout })));

function page(load: () => Promise<{ default: ComponentType }>) {
  const C = lazy(load);
  return (
    <Suspense fallback={<Spin style={{ display: 'block', margin: 48 }} />}>
      <C />
    </Suspense>
  );
}

export const router = createBrowserRouter([
  { path: '/login', element: page(() => import('./pages/LoginPage')) },
  { path: '/oauth/callback', element: page(() => import('./pages/OAuthCallbackPage')) },
  {
    element: (
      <RequireAuth>
        <Suspense fallback={<Spin style={{ display: 'block', margin: 48 }} />}>
          <AppLayout />
        </Suspense>
      </RequireAuth>
    ),
    children: [
      { path: '/', element: <Navigate to="/clusters" replace /> },
      { path: '/clusters', element: page(() => import('./pages/clusters/ClusterListPage')) },
      { path: '/clusters/:cluster', element: page(() => import('./pages/clusters/ClusterDetailPage')) },
      { path: '/clusters/:cluster/nodes', element: page(() => import('./pages/nodes/NodeListPage')) },
      { path: '/clusters/:cluster/nodes/:node', element: page(() => import('./pages/nodes/NodeDetailPage')) },
      { path: '/clusters/:cluster/namespaces', element: page(() => import('./pages/namespaces/NamespaceListPage')) },
      { path: '/clusters/:cluster/namespaces/:namespace', element: page(() => import('./pages/namespaces/NamespaceDetailPage')) },
      { path: '/clusters/:cluster/projects', element: page(() => import('./pages/projects/ProjectListPage')) },
      { path: '/clusters/:cluster/projects/:project', element: page(() => import('./pages/projects/ProjectDetailPage')) },
      { path: '/clusters/:cluster/projects/:project/pipelines/-/new', element: page(() => import('./pages/pipelines/PipelineCreatePage')) },
      { path: '/clusters/:cluster/projects/:project/pipelines/:name', element: page(() => import('./pages/pipelines/PipelineDetailPage')) },
      { path: '/clusters/:cluster/projects/:project/pipeline-executions/:name', element: page(() => import('./pages/pipelines/ExecutionDetailPage')) },
      { path: '/clusters/:cluster/projects/:project/pipeline-settings', element: page(() => import('./pages/pipelines/PipelineSettingsPage')) },
      { path: '/clusters/:cluster/members', element: page(() => import('./pages/projects/ClusterMembersPage')) },
      { path: '/clusters/:cluster/storageclasses', element: page(() => import('./pages/storage/StorageClassListPage')) },
      { path: '/clusters/:cluster/persistentvolumes', element: page(() => import('./pages/storage/PersistentVolumeListPage')) },
      { path: '/clusters/:cluster/resources', element: page(() => import('./pages/resources/KindListPage')) },
      { path: '/clusters/:cluster/resources/:group/:version/:resource', element: page(() => import('./pages/resources/ResourceListPage')) },
      { path: '/clusters/:cluster/resources/:group/:version/:resource/:name', element: page(() => import('./pages/resources/ResourceYamlPage')) },
      { path: '/clusters/:cluster/apply', element: page(() => import('./pages/apply/ApplyPage')) },
      { path: '/clusters/:cluster/ns/:namespace/pods', element: page(() => import('./pages/pods/PodListPage')) },
      { path: '/clusters/:cluster/ns/:namespace/pods/:name', element: page(() => import('./pages/pods/PodDetailPage')) },
      { path: '/clusters/:cluster/ns/:namespace/pods/:name/logs', element: page(() => import('./pages/pods/PodLogsPage')) },
      { path: '/clusters/:cluster/ns/:namespace/pods/:name/exec', element: page(() => import('./pages/pods/PodExecPage')) },
      { path: '/clusters/:cluster/ns/:namespace/configmaps', element: page(() => import('./pages/config/ConfigListPage')) },
      { path: '/clusters/:cluster/ns/:namespace/secrets', element: page(() => import('./pages/config/ConfigListPage')) },
      { path: '/clusters/:cluster/ns/:namespace/configmaps/-/new', element: page(() => import('./pages/config/ConfigCreatePage')) },
      { path: '/clusters/:cluster/ns/:namespace/secrets/-/new', element: page(() => import('./pages/config/ConfigCreatePage')) },
      { path: '/clusters/:cluster/ns/:namespace/configmaps/:name', element: page(() => import('./pages/config/ConfigDetailPage')) },
      { path: '/clusters/:cluster/ns/:namespace/secrets/:name', element: page(() => import('./pages/config/ConfigDetailPage')) },
      { path: '/clusters/:cluster/ns/:namespace/services', element: page(() => import('./pages/network/ServiceListPage')) },
      { path: '/clusters/:cluster/ns/:namespace/ingresses', element: page(() => import('./pages/network/IngressListPage')) },
      { path: '/clusters/:cluster/ns/:namespace/persistentvolumeclaims', element: page(() => import('./pages/storage/ClaimListPage')) },
      { path: '/clusters/:cluster/ns/:namespace/events', element: page(() => import('./pages/events/EventListPage')) },
      { path: '/clusters/:cluster/ns/:namespace/workloadcrs', element: page(() => import('./pages/workloadcr/WorkloadCRListPage')) },
      { path: '/clusters/:cluster/releases', element: page(() => import('./pages/addons/ReleaseListPage')) },
      { path: '/clusters/:cluster/ns/:namespace/releases', element: page(() => import('./pages/addons/ReleaseListPage')) },
      { path: '/clusters/:cluster/ns/:namespace/releases/:release', element: page(() => import('./pages/addons/ReleaseDetailPage')) },
      { path: '/clusters/:cluster/ns/:namespace/:kind/-/new', element: page(() => import('./pages/workloads/WorkloadCreatePage')) },
      { path: '/clusters/:cluster/ns/:namespace/:kind', element: page(() => import('./pages/workloads/WorkloadListPage')) },
      { path: '/clusters/:cluster/ns/:namespace/:kind/:name', element: page(() => import('./pages/workloads/WorkloadDetailPage')) },
      { path: '/users', element: page(() => import('./pages/admin/UsersPage')) },
      { path: '/audit', element: page(() => import('./pages/admin/AuditPage')) },
      { path: '/registries', element: page(() => import('./pages/registries/RegistryListPage')) },
      { path: '/registries/:registry', element: page(() => import('./pages/registries/RegistryDetailPage')) },
      { path: '/addons', element: page(() => import('./pages/addons/CatalogPage')) },
      { path: '/addons/charts/:chart', element: page(() => import('./pages/addons/ChartDetailPage')) },
      { path: '/chart-repositories', element: page(() => import('./pages/chartrepos/ChartRepoListPage')) },
      { path: '/chart-repositories/:repository', element: page(() => import('./pages/chartrepos/ChartRepoDetailPage')) },
      { path: '/releases', element: page(() => import('./pages/addons/ReleaseListPage').then((m) => ({ default: m.ReleasesHome }))) },
      { path: '/pipelines', element: page(() => import('./pages/pipelines/PipelineListPage')) },
      { path: '/credentials', element: page(() => import('./pages/credentials/CredentialListPage')) },
      { path: '/tokens', element: page(() => import('./pages/account/TokensPage')) },
      { path: '/search', element: page(() => import('./pages/search/SearchPage')) },
      { path: '*', element: page(() => import('./pages/NotFoundPage')) },
    ],
  },
]);
