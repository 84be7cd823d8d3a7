import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { App as AntApp, ConfigProvider, theme } from 'antd';
import enUS from 'antd/locale/en_US';
import zhCN from 'antd/locale/zh_CN';
import { useTranslation } from 'react-i18next';
import { RouterProvider } from 'react-router';
import { ApiError } from './api/problem';
import { setUnauthorizedHandler } from './api/client';
import { router } from './routes';
import { ThemeProvider, useTheme } from './theme/theme';

const queryClient = new QueryClient({
  defaultOptions: {
    queries: {
      // A 4xx will not get better by asking again.
      retry: (count, err) => !(err instanceof ApiError && err.status < 500) && count < 2,
      refetchOnWindowFocus: false,
    },
  },
});

// Any 401 (expired or revoked session) goes to the login page, which
// returns to where the user was.
setUnauthorizedHandler(() => {
  queryClient.clear();
  const here = window.location.pathname + window.location.search;
  if (!window.location.pathname.startsWith('/login')) void router.navigate(`/login?next=${encodeURIComponent(here)}`);
});

function Themed() {
  const { mode } = useTheme();
  const { i18n } = useTranslation();
  return (
    <ConfigProvider
      locale={i18n.language === 'zh' ? zhCN : enUS}
      theme={{
        algorithm: [mode === 'dark' ? theme.darkAlgorithm : theme.defaultAlgorithm, theme.compactAlgorithm],
        // Darker secondary text than the default keeps 4.5:1 contrast (axe).
        token: { colorTextSecondary: mode === 'dark' ? 'rgba(255,255,255,0.72)' : 'rgba(0,0,0,0.65)', colorTextDescription: mode === 'dark' ? 'rgba(255,255,255,0.72)' : 'rgba(0,0,0,0.65)' },
      }}
    >
      <AntApp>
        <RouterProvider router={router} />
      </AntApp>
    </ConfigProvider>
  );
}

export function App() {
  return (
    <QueryClientProvider client={queryClient}>
      <ThemeProvider>
        <Themed />
      </ThemeProvider>
    </QueryClientProvider>
  );
}
