// Package pipeline reads pipeline files and computes what an execution of
// one sees.
//
// Two formats map onto one stage/step model, devopsv1alpha1.PipelineConfig
// (the type a PipelineExecution embeds): Wheelhouse's own
// .wheelhouse-pipeline.yml, and Rancher 2.x's .rancher-pipeline.yml read as
// Rancher wrote it (runScriptConfig, publishImageConfig, applyYamlConfig,
// applyAppConfig, sourceCodeConfig, env, envFrom, when, branch, timeout,
// notification), so that a repository moves from Rancher without edits.
// What cannot apply (publishCatalogConfig, Rancher notifier ids, unknown
// keys) is an error. Every error names the line and column of the file and
// the field's path, e.g. "line 12, column 9,
// stages[1].steps[0].runScriptConfig.image: required".
//
// Matches decides a stage's or step's `when`; Variables and StepEnvironment
// compute the CICD_* variables and the environment of a step.
package pipeline
