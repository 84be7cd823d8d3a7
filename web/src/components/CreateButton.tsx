import { Button } from 'antd';
import { useTranslation } from 'react-i18next';
import { useNavigate } from 'react-router';
import { usePermissions } from '../auth/usePermissions';
import { links } from '../nav/links';

/** CreateButton opens the create page of a namespaced kind; it is there only for those who may create one. */
export function CreateButton({ cluster, namespace, kind }: { cluster: string; namespace: string; kind: string }) {
  const { t } = useTranslation();
  const nav = useNavigate();
  const can = usePermissions({ cluster, namespace });
  if (!can('create', kind)) return null;
  return (
    <Button type="primary" onClick={() => nav(links.create(cluster, namespace, kind))}>
      {t('action.create')}
    </Button>
  );
}
