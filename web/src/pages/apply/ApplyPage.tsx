import { App } from 'antd';
import { useTranslation } from 'react-i18next';
import { useParams } from 'react-router';
import { usePermissions } from '../../auth/usePermissions';
import { YamlApply } from '../../components/apply/YamlApply';
import { PageHeader } from '../../components/PageHeader';
import { apiCluster } from '../../nav/links';

const example = `apiVersion: v1
kind: ConfigMap
metadata:
  name: example
  namespace: default
data:
  greeting: hello
`;

/** Multi-document YAML of any kinds into a cluster, dry run and diff first. */
export default function ApplyPage() {
  const { cluster = '' } = useParams();
  const { t } = useTranslation();
  const { message } = App.useApp();
  const can = usePermissions({ cluster });
  return (
    <>
      <PageHeader title={t('nav.apply')} sub={t('apply.hint')} />
      <YamlApply applyPath={`${apiCluster(cluster)}/apply`} initial={example} canApply={can('update', 'kubernetes')} onApplied={(docs) => void message.success(t('apply.appliedCount', { count: docs.length }))} />
    </>
  );
}
