import Editor from '@monaco-editor/react';
import { useTranslation } from 'react-i18next';
import { useTheme } from '../../theme/theme';
import './monacoSetup';

export interface YamlEditorProps {
  value: string;
  onChange?: (v: string) => void;
  readOnly?: boolean;
  height?: number | string;
  label?: string;
}

/** YamlEditor is Monaco with YAML support; import it lazily (see LazyEditors). */
export default function YamlEditor({ value, onChange, readOnly, height = 420, label }: YamlEditorProps) {
  const { mode } = useTheme();
  const { t } = useTranslation();
  return (
    <div role="group" aria-label={label ?? t('editor.yaml')} style={{ border: '1px solid rgba(128,128,128,.3)' }}>
      <Editor
        height={height}
        language="yaml"
        value={value}
        theme={mode === 'dark' ? 'vs-dark' : 'vs'}
        onChange={(v) => onChange?.(v ?? '')}
        options={{ readOnly, minimap: { enabled: false }, scrollBeyondLastLine: false, renderFinalNewline: 'on', fontSize: 13, tabSize: 2, ariaLabel: label ?? t('editor.yaml') }}
      />
    </div>
  );
}
