package logstore

import (
	"errors"
	"fmt"
	"strconv"
	"strings"

	"k8s.io/apimachinery/pkg/util/validation"
)

// ErrInvalidKey is returned for a key (or a namespace and execution) that
// cannot name a PipelineExecution's step: the names become path components
// and object names, so anything but a Kubernetes name is refused before it
// reaches a path.
var ErrInvalidKey = errors.New("invalid log key")

// validateExecution checks that namespace is a DNS label and execution a
// DNS subdomain, as Kubernetes requires of a namespaced object's names.
// Neither can hold a slash, be empty, or be "." or "..", so neither can
// step out of its directory.
func validateExecution(namespace, execution string) error {
	if errs := validation.IsDNS1123Label(namespace); len(errs) > 0 {
		return fmt.Errorf("%w: namespace %q: %s", ErrInvalidKey, namespace, strings.Join(errs, "; "))
	}
	if errs := validation.IsDNS1123Subdomain(execution); len(errs) > 0 {
		return fmt.Errorf("%w: execution %q: %s", ErrInvalidKey, execution, strings.Join(errs, "; "))
	}
	return nil
}

// validateKey checks key's names and indexes.
func validateKey(key Key) error {
	if err := validateExecution(key.Namespace, key.Execution); err != nil {
		return err
	}
	if (key.Stage < 0 || key.Step < 0) && key != prepareKey(key) {
		return fmt.Errorf("%w: stage %d, step %d: indexes must not be negative (but for the preparation's, stage %d step 0)", ErrInvalidKey, key.Stage, key.Step, PrepareStage)
	}
	return nil
}

// validateOffset refuses a negative offset: it is a caller's bug, not a
// position before the start of a log.
func validateOffset(offset int64) error {
	if offset < 0 {
		return fmt.Errorf("offset %d: must not be negative", offset)
	}
	return nil
}

// keyName is how errors and logs name a log: namespace/execution/stage-step.
func keyName(key Key) string {
	return key.Namespace + "/" + key.Execution + "/" + stepName(key)
}

// PrepareStage is the stage index of an execution's preparation log (the
// checkout before its first stage); its step is 0.
const PrepareStage = -1

// prepareName is the preparation log's name within its execution.
const prepareName = "prepare"

// prepareKey is the preparation log's key of key's execution.
func prepareKey(key Key) Key {
	return Key{Namespace: key.Namespace, Execution: key.Execution, Stage: PrepareStage}
}

// stepName is a log's name within its execution: stage-step, or prepare.
func stepName(key Key) string {
	if key.Stage == PrepareStage {
		return prepareName
	}
	return strconv.Itoa(key.Stage) + "-" + strconv.Itoa(key.Step)
}

// logSuffix ends every log's file and object name.
const logSuffix = ".log"

// parseLogName reads the stage and step back from a file or object name
// ("0-1.log"); ok is false for any other name (markers, temporary files).
func parseLogName(name string) (stage, step int, ok bool) {
	base, found := strings.CutSuffix(name, logSuffix)
	if !found {
		return 0, 0, false
	}
	if base == prepareName {
		return PrepareStage, 0, true
	}
	a, b, found := strings.Cut(base, "-")
	if !found {
		return 0, 0, false
	}
	stage, errA := strconv.Atoi(a)
	step, errB := strconv.Atoi(b)
	if errA != nil || errB != nil || stage < 0 || step < 0 || strconv.Itoa(stage) != a || strconv.Itoa(step) != b {
		return 0, 0, false
	}
	return stage, step, true
}
