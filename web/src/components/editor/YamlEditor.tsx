import Editor, { DiffEditor } from '@monaco-editor/react';
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
        options={{ readOnly, minimap: { enabled: false }, scrollBeyondLastLine: false, fontSize: 13, tabSize: 2, ariaLabel: label ?? t('editor.yaml') }}
      />
    </div>
  );
}

export function YamlDiff({ original, modified, height = 420 }: { original: string; modified: string; height?: number | string }) {
  const { mode } = useTheme();
  const { t } = useTranslation();
  return (
    <div role="group" aria-label={t('editor.diff')} style={{ border: '1px solid rgba(128,128,128,.3)' }}>
      <DiffEditor
        height={height}
        language="yaml"
        original={original}
        modified={modified}
        theme={mode === 'dark' ? 'vs-dark' : 'vs'}
        options={{ readOnly: true, renderSideBySide: true, minimap: { enabled: false }, originalEditable: false }}
        // The diff editor does not pass its aria options on to its two
        // editors' text areas: label them directly.
        onMount={(diff) => {
          const label = (editor: typeof diff.getOriginalEditor extends () => infer E ? E : never, text: string) => {
            editor.updateOptions({ ariaLabel: text });
            editor.getDomNode()?.querySelectorAll('textarea').forEach((el) => el.setAttribute('aria-label', text));
          };
          label(diff.getOriginalEditor(), t('editor.diffOriginal'));
          label(diff.getModifiedEditor(), t('editor.diffModified'));
        }}
      />
    </div>
  );
}
