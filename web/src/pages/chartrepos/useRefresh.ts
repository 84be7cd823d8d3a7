// Refreshing a chart repository now: the answer says whether its index
// changed; a 424 says why it cannot be read.
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { App } from 'antd';
import { useTranslation } from 'react-i18next';
import { api } from '../../api/client';
import { chartRepoPaths, type RefreshResult } from '../../api/chartrepos';
import type { RecordScope } from '../../api/registries';
import { errorMessage } from '../../components/ErrorView';

export function useRefresh(scope: RecordScope) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (name: string) => api<RefreshResult>(chartRepoPaths(scope).refresh(name), { method: 'POST' }),
    onSuccess: (r) => void message.success(r.changed ? t('chartRepos.refreshedChanged') : t('chartRepos.refreshedSame')),
    onError: (e) => void message.error(errorMessage(e)),
    onSettled: () => {
      void qc.invalidateQueries({ queryKey: ['chart-repos'] });
      void qc.invalidateQueries({ queryKey: ['chart-repo-charts'] });
      void qc.invalidateQueries({ queryKey: ['addon-charts'] });
    },
  });
}
