import { Result } from 'antd';
import { useTranslation } from 'react-i18next';
import { PageHeader } from '../components/PageHeader';

export default function NotFoundPage() {
  const { t } = useTranslation();
  return (
    <>
      <PageHeader title={t('notFound.title')} />
      <Result status="404" subTitle={t('notFound.text')} />
    </>
  );
}
