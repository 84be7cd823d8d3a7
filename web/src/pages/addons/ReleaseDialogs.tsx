// The drift of a release (with Repair) and its uninstall, confirmed by
// typing its name.
import { useQuery } from '@tanstack/react-query';
import { Alert, Button, Flex, Input, Modal, Spin, Typography } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api } from '../../api/client';
import { releasePaths, type Drift, type Operation, type Release } from '../../api/addons';
import { ErrorView, errorMessage } from '../../components/ErrorView';
import { DiffList } from './DiffList';

interface Props {
  cluster: string;
  release: Release;
  onClose: () => void;
  onStarted: (op: Operation) => void;
}

export function DriftDialog({ cluster, release, onClose, onStarted }: Props) {
  const { t } = useTranslation();
  const paths = releasePaths(cluster);
  const q = useQuery({
    queryKey: ['release-drift', cluster, release.namespace, release.name],
    gcTime: 0,
    queryFn: () => api<Drift>(paths.drift(release.namespace, release.name)),
  });
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string>();
  const repair = async () => {
    setBusy(true);
    try {
      onStarted(await api<Operation>(paths.repair(release.namespace, release.name), { method: 'POST', body: {} }));
      onClose();
    } catch (e) {
      setError(errorMessage(e));
    } finally {
      setBusy(false);
    }
  };
  return (
    <Modal
      open
      title={t('addons.driftTitle', { name: release.name })}
      onCancel={onClose}
      width={1000}
      footer={
        <Flex justify="end" gap={8}>
          <Button onClick={() => void q.refetch()} loading={q.isFetching}>
            {t('addons.checkAgain')}
          </Button>
          <Button type="primary" disabled={!q.data?.drifted} loading={busy} onClick={() => void repair()}>
            {t('addons.repair')}
          </Button>
          <Button onClick={onClose}>{t('action.close')}</Button>
        </Flex>
      }
    >
      {error ? <Alert type="error" showIcon role="alert" message={error} style={{ marginBottom: 12 }} /> : null}
      {q.error ? <ErrorView error={q.error} /> : null}
      {q.isLoading ? <Spin /> : null}
      {q.data ? (
        q.data.drifted ? (
          <>
            <Alert type="warning" showIcon message={t('addons.drifted', { count: q.data.objects.length, revision: q.data.revision })} style={{ marginBottom: 12 }} />
            <DiffList objects={q.data.objects} />
          </>
        ) : (
          <Alert type="success" showIcon message={t('addons.noDrift', { revision: q.data.revision })} data-testid="no-drift" />
        )
      ) : null}
    </Modal>
  );
}

export function UninstallDialog({ cluster, release, onClose, onStarted }: Props) {
  const { t } = useTranslation();
  const [typed, setTyped] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string>();
  const uninstall = async () => {
    setBusy(true);
    try {
      onStarted(await api<Operation>(releasePaths(cluster).release(release.namespace, release.name), { method: 'DELETE' }));
      onClose();
    } catch (e) {
      setError(errorMessage(e));
    } finally {
      setBusy(false);
    }
  };
  return (
    <Modal
      open
      title={t('addons.uninstallTitle', { name: release.name })}
      onCancel={onClose}
      footer={
        <Flex justify="end" gap={8}>
          <Button onClick={onClose}>{t('action.cancel')}</Button>
          <Button type="primary" danger disabled={typed !== release.name} loading={busy} onClick={() => void uninstall()}>
            {t('addons.uninstall')}
          </Button>
        </Flex>
      }
    >
      {error ? <Alert type="error" showIcon role="alert" message={error} style={{ marginBottom: 12 }} /> : null}
      <Typography.Paragraph>{t('addons.uninstallWarning', { namespace: release.namespace })}</Typography.Paragraph>
      <label htmlFor="uninstall-confirm">
        <Typography.Text>{t('addons.typeToConfirm', { name: release.name })}</Typography.Text>
      </label>
      <Input id="uninstall-confirm" value={typed} onChange={(e) => setTyped(e.target.value)} autoComplete="off" style={{ marginTop: 6 }} />
    </Modal>
  );
}
