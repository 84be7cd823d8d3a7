// One chart of the catalog: its README, versions and default values, and
// the install flow.
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { Button, Card, Col, Descriptions, Flex, Row, Select, Spin, Tabs, Tag, Typography } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useParams, useSearchParams } from 'react-router';
import { api, query } from '../../api/client';
import { catalogPaths, type ChartDetail } from '../../api/addons';
import { LazyYamlEditor } from '../../components/editor/LazyEditors';
import { ErrorView } from '../../components/ErrorView';
import { PageHeader } from '../../components/PageHeader';
import { links } from '../../nav/links';
import { ChartIcon } from './ChartIcon';
import { InstallDialog } from './InstallDialog';
import { Markdown } from './Markdown';
import { safeHref } from './markdown';
import { useCatalogScope } from './scope';

export function useChart(scope: { cluster?: string; project?: string }, name: string, repository?: string, version?: string, enabled = true) {
  return useQuery({
    queryKey: ['addon-chart', scope, name, repository, version],
    enabled,
    placeholderData: keepPreviousData,
    queryFn: () => api<ChartDetail>(`${catalogPaths(scope).chart(name)}${query({ repository, version })}`),
  });
}

export default function ChartDetailPage() {
  const { t } = useTranslation();
  const { chart = '' } = useParams();
  const [params, setParams] = useSearchParams();
  const repository = params.get('repository') ?? undefined;
  const version = params.get('version') ?? undefined;
  const { scope, ready } = useCatalogScope();
  const q = useChart(scope, chart, repository, version, ready);
  const [installing, setInstalling] = useState(false);
  // Another version's page stays while the chosen one loads; another chart's does not.
  const c = q.data?.name === chart ? q.data : undefined;
  const setVersion = (v: string) => {
    const next = new URLSearchParams(params);
    next.set('version', v);
    setParams(next, { replace: true });
  };
  return (
    <>
      <PageHeader
        title={chart}
        sub={c?.description}
        extra={
          <>
            <Link to={links.addons(scope)}>{t('addons.backToCatalog')}</Link>
            <Button type="primary" disabled={!c} onClick={() => setInstalling(true)}>
              {t('addons.install')}
            </Button>
          </>
        }
      />
      {q.error ? <ErrorView error={q.error} /> : null}
      {q.isLoading ? <Spin /> : null}
      {c ? (
        <Row gutter={16}>
          <Col xs={24} lg={16}>
            <Card size="small">
              <Tabs
                items={[
                  {
                    key: 'readme',
                    label: t('addons.readme'),
                    children: c.readme ? <Markdown source={c.readme} /> : <Typography.Text type="secondary">{t('addons.noReadme')}</Typography.Text>,
                  },
                  { key: 'values', label: t('addons.defaultValues'), children: <LazyYamlEditor value={c.values} readOnly height="60vh" label={t('addons.defaultValues')} /> },
                ]}
              />
            </Card>
          </Col>
          <Col xs={24} lg={8}>
            <Card size="small">
              <Flex gap={12} align="center" style={{ marginBottom: 12 }}>
                <ChartIcon name={c.name} icon={c.icon} size={48} />
                <div>
                  <Typography.Text strong style={{ fontSize: 16 }}>
                    {c.name}
                  </Typography.Text>
                  <div>
                    <Tag color={c.repository ? 'processing' : 'success'}>{c.repository ? t('addons.fromRepo', { repo: c.repository }) : t('addons.builtin')}</Tag>
                    {c.deprecated ? <Tag color="warning">{t('addons.deprecated')}</Tag> : null}
                  </div>
                </div>
              </Flex>
              <Descriptions size="small" column={1} bordered>
                <Descriptions.Item label={t('col.version')}>
                  <Select
                    aria-label={t('col.version')}
                    size="small"
                    value={c.version}
                    onChange={setVersion}
                    style={{ minWidth: 140 }}
                    options={c.versions.map((v) => ({ value: v.version, label: v.deprecated ? `${v.version} (${t('addons.deprecated')})` : v.version }))}
                  />
                </Descriptions.Item>
                <Descriptions.Item label={t('addons.appVersion')}>{c.appVersion ?? '-'}</Descriptions.Item>
                {c.home && safeHref(c.home) ? (
                  <Descriptions.Item label={t('addons.home')}>
                    <Typography.Link href={safeHref(c.home)} target="_blank" rel="noopener noreferrer nofollow">
                      {c.home}
                    </Typography.Link>
                  </Descriptions.Item>
                ) : null}
                {c.sources?.length ? (
                  <Descriptions.Item label={t('addons.sources')}>
                    {c.sources.map((s) => (
                      <div key={s}>{safeHref(s) ? <Typography.Link href={safeHref(s)} target="_blank" rel="noopener noreferrer nofollow">{s}</Typography.Link> : s}</div>
                    ))}
                  </Descriptions.Item>
                ) : null}
                {c.keywords?.length ? (
                  <Descriptions.Item label={t('addons.keywords')}>
                    {c.keywords.map((k) => (
                      <Tag key={k} bordered={false}>
                        {k}
                      </Tag>
                    ))}
                  </Descriptions.Item>
                ) : null}
              </Descriptions>
            </Card>
          </Col>
        </Row>
      ) : null}
      {c && installing ? <InstallDialog chart={c} scope={scope} onClose={() => setInstalling(false)} /> : null}
    </>
  );
}
