import { Input } from 'antd';
import { useTranslation } from 'react-i18next';
import { useSearchParams } from 'react-router';

/**
 * NameFilter is a list page's filter by name, kept in the page's address
 * as ?name= so that a filtered list can be linked and survives a reload.
 * The page reads the same parameter for its query; its other parameters
 * (a project scope, a tab) are kept.
 */
export function NameFilter() {
  const { t } = useTranslation();
  const [params, setParams] = useSearchParams();
  return (
    <Input.Search
      aria-label={t('list.filter')}
      placeholder={t('list.filter')}
      defaultValue={params.get('name') ?? ''}
      allowClear
      style={{ maxWidth: 280 }}
      onSearch={(v) => {
        const next = new URLSearchParams(params);
        if (v) next.set('name', v);
        else next.delete('name');
        setParams(next, { replace: true });
      }}
    />
  );
}
