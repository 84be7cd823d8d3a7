import { BulbOutlined, SearchOutlined } from '@ant-design/icons';
import { useQuery } from '@tanstack/react-query';
import { Button, Dropdown, Flex, Input, Layout, Select, theme, Tooltip } from 'antd';
import { useTranslation } from 'react-i18next';
import { useLocation, useNavigate } from 'react-router';
import { api } from '../api/client';
import { clearToken } from '../api/session';
import type { List, Namespace } from '../api/types';
import { useMe } from '../auth/useMe';
import { setLanguage } from '../i18n';
import { apiCluster, links } from '../nav/links';
import { useClusterNames } from '../nav/useClusterNames';
import { useScope } from '../nav/useScope';
import { useTheme } from '../theme/theme';
import { searchInputId } from './useHotkeys';

export function HeaderBar({ onPalette }: { onPalette: () => void }) {
  const { t, i18n } = useTranslation();
  const { token } = theme.useToken();
  const nav = useNavigate();
  const loc = useLocation();
  const { cluster, namespace, section } = useScope();
  const clusters = useClusterNames();
  const me = useMe();
  const { mode, toggle } = useTheme();
  const namespaces = useQuery({
    queryKey: ['ns-names', cluster],
    enabled: !!cluster,
    staleTime: 15_000,
    queryFn: () => api<List<Namespace>>(`${apiCluster(cluster!)}/namespaces?limit=1000`),
  });
  const switchCluster = (c: string) => {
    // Stay on the same section of the other cluster where it has one.
    const rest = loc.pathname.split('/').slice(3);
    const keep = rest[0] && rest[0] !== 'ns' && !rest[1] ? `/${rest[0]}` : '';
    nav(links.cluster(c) + keep);
  };
  const switchNamespace = (ns: string) => {
    if (cluster && section) nav(links.nsList(cluster, ns, section));
  };
  const logout = async () => {
    try {
      await api('/api/v1/logout', { method: 'POST' });
    } finally {
      clearToken();
      nav('/login');
    }
  };
  const nsOptions = [
    ...(section === 'pods' ? [{ value: '_all', label: t('header.allNamespaces') }] : []),
    ...(namespaces.data?.items ?? []).map((n) => ({ value: n.name, label: n.name })),
  ];
  return (
    <Layout.Header style={{ background: token.colorBgContainer, padding: '0 16px', borderBottom: `1px solid ${token.colorBorderSecondary}`, height: 52, lineHeight: '52px' }}>
      <Flex align="center" gap={8} style={{ height: '100%' }}>
        <Select
          aria-label={t('header.cluster')}
          placeholder={t('header.cluster')}
          style={{ width: 180 }}
          value={cluster}
          onChange={switchCluster}
          options={(clusters.data ?? []).map((c) => ({ value: c, label: c }))}
          showSearch
        />
        {cluster && namespace ? (
          <Select aria-label={t('header.namespace')} style={{ width: 180 }} value={namespace} onChange={switchNamespace} options={nsOptions} showSearch />
        ) : null}
        <Input
          id={searchInputId}
          aria-label={t('header.search')}
          placeholder={t('header.searchPlaceholder')}
          prefix={<SearchOutlined aria-hidden />}
          style={{ maxWidth: 320 }}
          allowClear
          onPressEnter={(e) => {
            const q = (e.target as HTMLInputElement).value.trim();
            if (q) nav(links.search(q));
          }}
        />
        <Button onClick={onPalette} aria-keyshortcuts="Control+K Meta+K">
          {t('header.palette')} <kbd style={{ marginLeft: 6, fontSize: 11 }}>Ctrl K</kbd>
        </Button>
        <div style={{ flex: 1 }} />
        <Tooltip title={mode === 'dark' ? t('header.lightTheme') : t('header.darkTheme')}>
          <Button icon={<BulbOutlined />} aria-label={mode === 'dark' ? t('header.lightTheme') : t('header.darkTheme')} onClick={toggle} />
        </Tooltip>
        <Select
          aria-label={t('header.language')}
          value={i18n.language === 'zh' ? 'zh' : 'en'}
          onChange={(v: 'en' | 'zh') => void setLanguage(v)}
          style={{ width: 110 }}
          options={[
            { value: 'en', label: 'English' },
            { value: 'zh', label: '简体中文' },
          ]}
        />
        <Dropdown
          menu={{
            items: [
              { key: 'tokens', label: t('nav.tokens'), onClick: () => nav(links.tokens()) },
              { key: 'logout', label: t('header.logout'), onClick: () => void logout() },
            ],
          }}
        >
          <Button>{me.data?.username ?? '…'}</Button>
        </Dropdown>
      </Flex>
    </Layout.Header>
  );
}
