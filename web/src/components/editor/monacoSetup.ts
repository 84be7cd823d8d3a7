// Monaco from this bundle, never from a CDN: @monaco-editor/react's loader
// is pointed at the bundled editor API, and each worker is a bundled file.
import { loader } from '@monaco-editor/react';
import * as monaco from 'monaco-editor/esm/vs/editor/editor.api';
import 'monaco-editor/esm/vs/basic-languages/yaml/yaml.contribution';
import EditorWorker from 'monaco-editor/esm/vs/editor/editor.worker?worker';
import { configureMonacoYaml } from 'monaco-yaml';
import YamlWorker from 'monaco-yaml/yaml.worker?worker';

self.MonacoEnvironment = {
  getWorker(_id: string, label: string) {
    return label === 'yaml' ? new YamlWorker() : new EditorWorker();
  },
};

loader.config({ monaco });
configureMonacoYaml(monaco, { enableSchemaRequest: false, validate: true });

export { monaco };
