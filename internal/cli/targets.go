package cli

import (
	"context"
	"errors"
	"io/fs"
	"os"
)

// checkTargets makes sure that every file the run will write its results
// to can be written, before any report is read or any issue written: the
// JSON result (--json) and, inside Actions, the job summary and the step
// outputs files. A run that would triage everything and then fail to
// tell anyone stops at once instead (exit 2). A JSON file that did not
// exist is removed again, so that a run that stops later leaves none.
func (t *run) checkTargets(context.Context) error {
	if t.o.JSON != "" && t.o.JSON != "-" {
		if err := writable(t.o.JSON, true); err != nil {
			return usagef("json: the result file cannot be written: %v", err)
		}
	}
	if t.gha == nil {
		return nil
	}
	for _, v := range []struct{ name, what string }{
		{"GITHUB_STEP_SUMMARY", "the job summary file"},
		{"GITHUB_OUTPUT", "the step outputs file"},
	} {
		if p := t.env.Getenv(v.name); p != "" {
			if err := writable(p, false); err != nil {
				return usagef("%s (%s) cannot be written: %v", v.name, v.what, err)
			}
		}
	}
	return nil
}

// writable opens path for appending, creating it if needed, and closes
// it; with removeNew, a file it created is removed again.
func writable(path string, removeNew bool) error {
	_, statErr := os.Stat(path)
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_APPEND|os.O_CREATE, 0o644)
	if err != nil {
		return err
	}
	if err := f.Close(); err != nil {
		return err
	}
	if removeNew && errors.Is(statErr, fs.ErrNotExist) {
		return os.Remove(path)
	}
	return nil
}
