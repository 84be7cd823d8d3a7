import { useTranslation } from 'react-i18next';
import { useParams } from 'react-router';
import { usePermissions } from '../../auth/usePermissions';
import { PageHeader } from '../../components/PageHeader';
import { apiCluster } from '../../nav/links';
import { MembersEditor } from './MembersEditor';

export default function ClusterMembersPage() {
  const { cluster = '' } = useParams();
  const { t } = useTranslation();
  const can = usePermissions({ cluster });
  return (
    <>
      <PageHeader title={t('nav.members')} sub={t('members.clusterHint')} />
      <MembersEditor cluster={cluster} path={`${apiCluster(cluster)}/members`} canEdit={can('update', 'members')} />
    </>
  );
}
