// i18next with the console's two languages; the choice is kept in
// localStorage and follows the browser's language the first time.
import i18n from 'i18next';
import { initReactI18next } from 'react-i18next';
import en from './locales/en.json';
import zh from './locales/zh.json';

export const languages = ['en', 'zh'] as const;
export type Language = (typeof languages)[number];
const KEY = 'wheelhouse.language';

function initialLanguage(): Language {
  const saved = localStorage.getItem(KEY);
  if (saved === 'en' || saved === 'zh') return saved;
  return navigator.language.toLowerCase().startsWith('zh') ? 'zh' : 'en';
}

void i18n.use(initReactI18next).init({
  resources: { en: { translation: en }, zh: { translation: zh } },
  lng: initialLanguage(),
  fallbackLng: 'en',
  interpolation: { escapeValue: false },
});
document.documentElement.lang = i18n.language === 'zh' ? 'zh-CN' : 'en';

export function setLanguage(lng: Language): void {
  localStorage.setItem(KEY, lng);
  document.documentElement.lang = lng === 'zh' ? 'zh-CN' : 'en';
  void i18n.changeLanguage(lng);
}

export default i18n;
