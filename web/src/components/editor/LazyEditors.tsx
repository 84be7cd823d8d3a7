// Monaco is large: it loads only on the pages that show an editor.
import { Spin } from 'antd';
import { lazy, Suspense } from 'react';
import type { YamlEditorProps } from './YamlEditor';

const Editor = lazy(() => import('./YamlEditor'));

export function LazyYamlEditor(p: YamlEditorProps) {
  return (
    <Suspense fallback={<Spin />}>
      <Editor {...p} />
    </Suspense>
  );
}
