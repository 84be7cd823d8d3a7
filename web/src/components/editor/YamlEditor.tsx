import Editor, { type Monaco } from '@monaco-editor/react';
import type { editor } from 'monaco-editor';
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useTheme } from '../../theme/theme';
import './monacoSetup';

/** EditorMarker is a problem shown in the editor, under its line. */
export interface EditorMarker {
  /** 1-based line; column (1-based) when known, else the whole line. */
  line: number;
  column?: number;
  message: string;
}

export interface YamlEditorProps {
  value: string;
  onChange?: (v: string) => void;
  readOnly?: boolean;
  height?: number | string;
  label?: string;
  /** Problems to mark in the text (a squiggle, the message on hover). */
  markers?: EditorMarker[];
}

const markerOwner = 'wheelhouse';

/** YamlEditor is Monaco with YAML support; import it lazily (see LazyEditors). */
export default function YamlEditor({ value, onChange, readOnly, height = 420, label, markers }: YamlEditorProps) {
  const { mode } = useTheme();
  const { t } = useTranslation();
  const [mounted, setMounted] = useState<{ ed: editor.IStandaloneCodeEditor; monaco: Monaco }>();
  useEffect(() => {
    const model = mounted?.ed.getModel();
    if (!mounted || !model) return;
    const lines = model.getLineCount();
    mounted.monaco.editor.setModelMarkers(
      model,
      markerOwner,
      (markers ?? [])
        .filter((m) => m.line >= 1 && m.line <= lines)
        .map((m) => {
          const startColumn = m.column ?? model.getLineFirstNonWhitespaceColumn(m.line) ?? 1;
          return {
            severity: mounted.monaco.MarkerSeverity.Error,
            message: m.message,
            startLineNumber: m.line,
            startColumn: Math.max(1, startColumn),
            endLineNumber: m.line,
            endColumn: model.getLineMaxColumn(m.line),
          };
        }),
    );
  }, [mounted, markers, value]);
  return (
    <div role="group" aria-label={label ?? t('editor.yaml')} style={{ border: '1px solid rgba(128,128,128,.3)' }}>
      <Editor
        height={height}
        language="yaml"
        value={value}
        theme={mode === 'dark' ? 'vs-dark' : 'vs'}
        onChange={(v) => onChange?.(v ?? '')}
        onMount={(ed, monaco) => setMounted({ ed, monaco })}
        options={{ readOnly, minimap: { enabled: false }, scrollBeyondLastLine: false, renderFinalNewline: 'on', fontSize: 13, tabSize: 2, ariaLabel: label ?? t('editor.yaml') }}
      />
    </div>
  );
}
