import { useEffect } from 'react';

/** The search box the `/` key focuses. */
export const searchInputId = 'global-search';

function typing(el: EventTarget | null): boolean {
  const n = el as HTMLElement | null;
  return !!n && (n.tagName === 'INPUT' || n.tagName === 'TEXTAREA' || n.isContentEditable || !!n.closest?.('.monaco-editor, .xterm'));
}

/** useHotkeys binds Ctrl/Cmd-K to the command palette and `/` to the search box. */
export function useHotkeys({ onPalette }: { onPalette: () => void }) {
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if ((e.ctrlKey || e.metaKey) && e.key.toLowerCase() === 'k') {
        e.preventDefault();
        onPalette();
        return;
      }
      if (e.key === '/' && !e.ctrlKey && !e.metaKey && !e.altKey && !typing(e.target)) {
        e.preventDefault();
        document.getElementById(searchInputId)?.focus();
      }
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [onPalette]);
}
