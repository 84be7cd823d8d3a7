import type { Locale } from 'antd/es/locale';
import enUS from 'antd/locale/en_US';
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';

/** useAntdLocale is antd's own texts (pagination, pickers, empty lists) in the console's language. */
export function useAntdLocale(): Locale {
  const { i18n } = useTranslation();
  const [zh, setZh] = useState<Locale>();
  const wantZh = i18n.language === 'zh';
  useEffect(() => {
    if (wantZh && !zh) void import('antd/locale/zh_CN').then((m) => setZh(m.default));
  }, [wantZh, zh]);
  return wantZh && zh ? zh : enUS;
}
