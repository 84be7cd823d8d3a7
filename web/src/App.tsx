import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { App as AntApp, ConfigProvider, theme } from 'antd';
import { RouterProvider } from 'react-router';
import { ApiError } from './api/problem';
import { setUnauthorizedHandler } from './api/client';
import { router } from './routes';
import { ThemeProvider, useTheme } from './theme/theme';
import { useAntdLocale } from './theme/useAntdLocale';
import { useReducedMotion } from './theme/useReducedMotion';

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
  const locale = useAntdLocale();
  const reducedMotion = useReducedMotion();
  return (
    <ConfigProvider
      locale={locale}
      theme={{
        algorithm: [mode === 'dark' ? theme.darkAlgorithm : theme.defaultAlgorithm, theme.compactAlgorithm],
        // Darker than antd's defaults where they fall short of WCAG AA
        // contrast (4.5:1): the primary blue under white text and as link
        // text, status colours on their tags and danger buttons, and
        // secondary text.
        token: {
          motion: !reducedMotion,
          ...(mode === 'dark'
            ? { colorPrimary: '#1668dc', colorLink: '#69b1ff', colorError: '#ff7875', colorTextSecondary: 'rgba(255,255,255,0.72)', colorTextDescription: 'rgba(255,255,255,0.72)' }
            : {
                colorPrimary: '#0958d9',
                colorLink: '#0958d9',
                colorPrimaryHover: '#003eb3',
                colorLinkHover: '#003eb3',
                colorInfo: '#0958d9',
                // The seeds would derive muddy backgrounds from these dark
                // text colours: the light ones are given as antd's own.
                colorSuccess: '#237804',
                colorSuccessBg: '#f6ffed',
                colorSuccessBorder: '#b7eb8f',
                colorWarning: '#ad4e00',
                colorWarningBg: '#fffbe6',
                colorWarningBorder: '#ffe58f',
                colorError: '#cf1322',
                colorErrorBg: '#fff2f0',
                colorErrorBorder: '#ffccc7',
                colorInfoBg: '#e6f4ff',
                colorInfoBorder: '#91caff',
                colorTextSecondary: 'rgba(0,0,0,0.65)',
                colorTextDescription: 'rgba(0,0,0,0.65)',
              }),
        },
        // In the dark theme the selected menu item and tab would show the
        // primary blue as text on a dark blue: a lighter blue reads.
        components:
          mode === 'dark'
            ? { Menu: { itemSelectedColor: '#69b1ff' }, Tabs: { itemSelectedColor: '#69b1ff', itemActiveColor: '#69b1ff', itemHoverColor: '#91caff' } }
            : undefined,
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
