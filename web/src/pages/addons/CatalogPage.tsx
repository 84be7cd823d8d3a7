// The add-on catalog: the built-in charts and those of the chart
// repositories the scope sees, as cards; a member reads a project's.
import { useQuery } from '@tanstack/react-query';
import { Alert, Card, Col, Flex, Row, Tag, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import { Link, useSearchParams } from 'react-router';
import { api, query } from '../../api/client';
import { catalogPaths, type Catalog } from '../../api/addons';
import { EmptyText } from '../../components/EmptyText';
import { ErrorView } from '../../components/ErrorView';
import { NameFilter } from '../../components/NameFilter';
import { PageHeader } from '../../components/PageHeader';
import { links } from '../../nav/links';
import { ChartIcon } from './ChartIcon';
import { ScopePicker, useCatalogScope } from './scope';

export default function CatalogPage() {
  const { t } = useTranslation();
  const [params] = useSearchParams();
  const name = params.get('name') ?? '';
  const { scope, admin, ready } = useCatalogScope();
  const q = useQuery({
    queryKey: ['addon-charts', scope, name],
    enabled: ready,
    queryFn: () => api<Catalog>(`${catalogPaths(scope).charts}${query({ name })}`),
  });
  const items = q.data?.items ?? [];
  return (
    <>
      <PageHeader title={t('addons.catalog')} sub={t('addons.catalogSubtitle')} />
      <Flex gap={12} align="center" wrap="wrap" style={{ marginBottom: 12 }}>
        {admin ? null : <ScopePicker scope={scope} />}
        <NameFilter />
      </Flex>
      {!admin && !ready ? <Alert type="info" showIcon message={t('addons.pickProject')} style={{ marginBottom: 12 }} /> : null}
      {q.error ? <ErrorView error={q.error} /> : null}
      {q.data?.problems?.length ? (
        <Alert type="warning" showIcon message={t('addons.repoProblems')} description={q.data.problems.join('\n')} style={{ marginBottom: 12 }} />
      ) : null}
      {ready && !q.isLoading && !q.error && items.length === 0 ? <EmptyText text={t('addons.noCharts')} /> : null}
      <Row gutter={[16, 16]} role="list" aria-label={t('addons.catalog')}>
        {items.map((c) => (
          <Col key={`${c.repository ?? ''}/${c.name}`} xs={24} md={12} xl={8} xxl={6} role="listitem">
            <Card size="small" style={{ height: '100%' }} data-testid={`chart-${c.name}`}>
              <Flex gap={12} align="start">
                <ChartIcon name={c.name} icon={c.icon} />
                <div style={{ minWidth: 0, flex: 1 }}>
                  <Flex gap={8} align="baseline" wrap="wrap">
                    <Link to={links.addonChart(c.name, { repository: c.repository, cluster: scope.cluster, project: scope.project })} style={{ fontSize: 16, fontWeight: 600 }}>
                      {c.name}
                    </Link>
                    <Typography.Text type="secondary">{c.version}</Typography.Text>
                    {c.deprecated ? <Tag color="warning">{t('addons.deprecated')}</Tag> : null}
                  </Flex>
                  {c.appVersion ? (
                    <Typography.Text type="secondary" style={{ fontSize: 12 }}>
                      {t('addons.appVersionIs', { version: c.appVersion })}
                    </Typography.Text>
                  ) : null}
                  <Typography.Paragraph ellipsis={{ rows: 3 }} style={{ margin: '6px 0' }}>
                    {c.description}
                  </Typography.Paragraph>
                  <Flex gap={4} wrap="wrap">
                    <Tag color={c.repository ? 'processing' : 'success'}>{c.repository ? t('addons.fromRepo', { repo: c.repository }) : t('addons.builtin')}</Tag>
                    {(c.keywords ?? []).slice(0, 4).map((k) => (
                      <Tag key={k} bordered={false}>
                        {k}
                      </Tag>
                    ))}
                  </Flex>
                </div>
              </Flex>
            </Card>
          </Col>
        ))}
      </Row>
    </>
  );
}
