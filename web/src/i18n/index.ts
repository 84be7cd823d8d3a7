// i18next with the console's two languages; the choice is kept in
// localStorage and follows the browser's language the first time. English
// is in the first bundle; Chinese (and antd's zh_CN texts) load when chosen.
import i18n from 'i18next';
import { initReactI18next } from 'react-i18next';
import en from './locales/en.json';

export const languages = ['en', 'zh'] as const;
export type Language = (typeof languages)[number];
const KEY = 'wheelhouse.language';

function initialLanguage(): Language {
  const saved = localStorage.getItem(KEY);
  if (saved === 'en' || saved === 'zh') return saved;
  return navigator.language.toLowerCase().startsWith('zh') ? 'zh' : 'en';
}

async function load(lng: Language): Promise<void> {
  if (lng === 'zh' && !i18n.hasResourceBundle('zh', 'translation')) {
    const zh = await import('./locales/zh.json');
    i18n.addResourceBundle('zh', 'translation', zh.default);
  }
}

/** initI18n loads the language to start in; the app renders after it. */
export async function initI18n(): Promise<void> {
  const lng = initialLanguage();
  await i18n.use(initReactI18next).init({
    resources: { en: { translation: en } },
    lng: 'en',
    fallbackLng: 'en',
    interpolation: { escapeValue: false },
  });
  await setLanguage(lng, false);
}

export async function setLanguage(lng: Language, remember = true): Promise<void> {
  await load(lng);
  if (remember) localStorage.setItem(KEY, lng);
  document.documentElement.lang = lng === 'zh' ? 'zh-CN' : 'en';
  await i18n.changeLanguage(lng);
}

export default i18n;
