// Monaco is large: it loads only on the pages that show an editor.
import { Spin } from 'antd';
import { lazy, Suspense } from 'react';
import type { YamlEditorProps } from './YamlEditor';

const Editor = lazy(() => import('./YamlEditor'));
const Diff = lazy(() => import('./YamlEditor').then((m) => ({ default: m.YamlDiff })));

export function LazyYamlEditor(p: YamlEditorProps) {
  return (
    <Suspense fallback={<Spin />}>
      <Editor {...p} />
    </Suspense>
  );
}

export function LazyYamlDiff(p: { original: string; modified: string; height?: number | string }) {
  return (
    <Suspense fallback={<Spin />}>
      <Diff {...p} />
    </Suspense>
  );
}
