// A registry's status is the answer of its connection test: connected, or
// the reason it cannot be used and the setting to change. Lists read the
// status the server remembers (GET .../status, tested again after five
// minutes, not audited); the Test action tests now (POST .../test).
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { Alert, Tag, Tooltip } from 'antd';
import { useTranslation } from 'react-i18next';
import { api } from '../../api/client';
import { recordPaths, type RecordScope, type RegistryTestResult } from '../../api/registries';
import { connectionOf, type Connection } from './connection';

const connectionKey = (scope: RecordScope, registry: string) => ['registry-test', recordPaths(scope).registry(registry)];

async function connection(path: string, method: 'GET' | 'POST'): Promise<Connection> {
  try {
    const r = await api<RegistryTestResult>(path, { method });
    return { ok: r.ok, message: r.message };
  } catch (e) {
    const c = connectionOf(e);
    if (c) return c;
    throw e;
  }
}

/** useConnection reads a registry's connection status as the server remembers it. */
export function useConnection(scope: RecordScope, registry: string) {
  return useQuery({
    queryKey: connectionKey(scope, registry),
    staleTime: 5 * 60_000,
    retry: false,
    queryFn: () => connection(`${recordPaths(scope).registry(registry)}/status`, 'GET'),
  });
}

/** useTestConnection returns a function that tests a registry now and shows its outcome wherever its status is shown. */
export function useTestConnection(scope: RecordScope) {
  const qc = useQueryClient();
  return async (registry: string) => {
    const c = await connection(`${recordPaths(scope).registry(registry)}/test`, 'POST');
    qc.setQueryData(connectionKey(scope, registry), c);
    return c;
  };
}

/** RegistryStatus is the registry's status as a tag, the test's message on hover. */
export function RegistryStatus({ scope, registry }: { scope: RecordScope; registry: string }) {
  const { t } = useTranslation();
  const q = useConnection(scope, registry);
  if (q.isFetching && !q.data) return <Tag color="processing">{t('registries.checking')}</Tag>;
  if (q.error) return <Tag color="error">{t('registries.reason_Failed')}</Tag>;
  const c = q.data;
  if (!c) return null;
  return (
    <Tooltip title={c.message}>
      <Tag color={c.ok ? 'success' : 'error'} data-testid={`registry-status-${registry}`}>
        {c.ok ? t('registries.connected') : t(`registries.reason_${c.reason}`)}
      </Tag>
    </Tooltip>
  );
}

/** ConnectionResult shows a test's outcome in full: the reason, the setting to change and the registry's words. */
export function ConnectionResult({ connection, onClose }: { connection: Connection; onClose?: () => void }) {
  const { t } = useTranslation();
  if (connection.ok) {
    return <Alert type="success" showIcon closable={!!onClose} onClose={onClose} role="status" message={t('registries.testOk')} description={connection.message} style={{ marginBottom: 16 }} />;
  }
  return (
    <Alert
      type="error"
      showIcon
      closable={!!onClose}
      onClose={onClose}
      role="alert"
      message={`${t('registries.testFailed')}: ${t(`registries.reason_${connection.reason}`)}`}
      description={
        <>
          <div>{t(`registries.reasonHint_${connection.reason}`)}</div>
          {connection.field ? <div>{t('registries.fieldAtFault', { field: t(`registries.field_${connection.field}`, { defaultValue: connection.field }) })}</div> : null}
          <div style={{ wordBreak: 'break-word', marginTop: 4 }}>{connection.message}</div>
        </>
      }
      style={{ marginBottom: 16 }}
    />
  );
}
