import type { Locale } from 'antd/es/locale';
import enUS from 'antd/locale/en_US';
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';

/**
 * localeOf is the locale a module of antd/locale/* holds: these are
 * CommonJS modules, which Vite's dependency step hands over wrapped once
 * more ({ default: locale }); antd then finds none of its texts (a table's
 * expand buttons went without a name).
 */
function localeOf(m: Locale | { default: Locale }): Locale {
  return 'locale' in m ? m : m.default;
}

/** useAntdLocale is antd's own texts (pagination, pickers, empty lists) in the console's language. */
export function useAntdLocale(): Locale {
  const { i18n } = useTranslation();
  const [zh, setZh] = useState<Locale>();
  const wantZh = i18n.language === 'zh';
  useEffect(() => {
    if (wantZh && !zh) void import('antd/locale/zh_CN').then((m) => setZh(localeOf(m.default)));
  }, [wantZh, zh]);
  return wantZh && zh ? zh : localeOf(enUS);
}
