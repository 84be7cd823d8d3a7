// The frame of every signed-in page: navigation, the cluster and namespace
// pickers, search, the command palette, theme and language switches.
import { Layout, Spin, theme } from 'antd';
import { Suspense, useState } from 'react';
import { Outlet } from 'react-router';
import { CommandPalette } from './CommandPalette';
import { HeaderBar } from './HeaderBar';
import { SideNav } from './SideNav';
import { useHotkeys } from './useHotkeys';

export function AppLayout() {
  const { token } = theme.useToken();
  const [paletteOpen, setPaletteOpen] = useState(false);
  useHotkeys({ onPalette: () => setPaletteOpen(true) });
  return (
    <Layout style={{ minHeight: '100vh' }}>
      <Layout.Sider width={220} breakpoint="lg" collapsedWidth={0} style={{ background: token.colorBgContainer, borderRight: `1px solid ${token.colorBorderSecondary}` }}>
        <SideNav />
      </Layout.Sider>
      <Layout>
        <HeaderBar onPalette={() => setPaletteOpen(true)} />
        <Layout.Content id="main" role="main" style={{ padding: 16 }}>
          <Suspense fallback={<Spin />}>
            <Outlet />
          </Suspense>
        </Layout.Content>
      </Layout>
      <CommandPalette open={paletteOpen} onClose={() => setPaletteOpen(false)} />
    </Layout>
  );
}
