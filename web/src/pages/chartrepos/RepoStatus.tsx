// A chart repository's last refresh: when it succeeded, and the error of
// the last attempt (its message on hover).
import { Flex, Tag, Tooltip, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import type { ChartRepo } from '../../api/chartrepos';
import { Age } from '../../components/Age';

export function RepoStatus({ repo }: { repo: ChartRepo }) {
  const { t } = useTranslation();
  return (
    <Flex gap={6} align="center" wrap="wrap">
      {repo.status.refreshedAt ? <Age since={repo.status.refreshedAt} /> : <Typography.Text type="secondary">{t('chartRepos.never')}</Typography.Text>}
      {repo.status.lastError ? (
        <Tooltip title={repo.status.lastError}>
          <Tag color="error" tabIndex={0} style={{ cursor: 'help' }}>
            {t('chartRepos.refreshFailed')}
          </Tag>
        </Tooltip>
      ) : null}
    </Flex>
  );
}
