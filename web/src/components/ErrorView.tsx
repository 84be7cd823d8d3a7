// How a failed request shows: a 403 with the server's message, a 503 for a
// cluster as "unavailable" (the rest of the console keeps working), else the
// problem's detail.
import { Alert } from 'antd';
import { useTranslation } from 'react-i18next';
import { ApiError } from '../api/problem';

export function errorMessage(err: unknown): string {
  if (err instanceof ApiError) {
    const details = (err.problem.errors ?? []).map((e) => (e.location ? `${e.location}: ${e.message}` : e.message)).join('; ');
    return [err.message, details].filter(Boolean).join(' — ');
  }
  return err instanceof Error ? err.message : String(err);
}

export function ErrorView({ error, cluster }: { error: unknown; cluster?: string }) {
  const { t } = useTranslation();
  if (!error) return null;
  if (error instanceof ApiError && error.status === 503) {
    return (
      <Alert
        type="warning"
        showIcon
        role="alert"
        message={cluster ? t('error.clusterUnavailable', { cluster }) : t('error.unavailable')}
        description={errorMessage(error)}
      />
    );
  }
  if (error instanceof ApiError && error.status === 403) {
    return <Alert type="error" showIcon role="alert" message={t('error.forbidden')} description={errorMessage(error)} />;
  }
  if (error instanceof ApiError && error.status === 404) {
    return <Alert type="info" showIcon role="alert" message={t('error.notFound')} description={errorMessage(error)} />;
  }
  return <Alert type="error" showIcon role="alert" message={t('error.failed')} description={errorMessage(error)} />;
}
