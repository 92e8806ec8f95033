// Package config reads the repository's flake-triage configuration file
// (by default .github/flake-triage.yaml): labels, titles, ownership
// fallbacks, the test-maintainer rotation and the policy limits.
//
// Parse is strict: an unknown key or a value of the wrong type is an error
// naming the file and line, so that a typo never silently turns a policy
// off.
package config

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"math"
	"strconv"
	"strings"
	"time"

	"go.yaml.in/yaml/v3"

	"github.com/flake-triage/flake-triage/internal/health"

	"github.com/flake-triage/flake-triage/internal/ledger"
)

// DefaultPath is where the configuration file is looked up, relative to the
// repository root.
const DefaultPath = ".github/flake-triage.yaml"

// A Config is the repository configuration. The zero value is not useful;
// start from Default.
type Config struct {
	// Labels put on issues.
	Labels Labels `yaml:"labels"`
	// Titles are the issue title templates per kind; "{name}" is replaced
	// by the test name.
	Titles Titles `yaml:"titles"`
	// MaxNewIssues is the storm guard: a run bringing more new failing
	// tests than this files one issue for the broken run instead.
	MaxNewIssues int `yaml:"max-new-issues"`
	// MaxAssignees caps the assignees of an issue; the other owners are
	// mentioned.
	MaxAssignees int `yaml:"max-assignees"`
	// CommentInterval is the least time between two routine comments on
	// one issue.
	CommentInterval Duration `yaml:"comment-interval"`
	// ReopenWindow is how long after closing an issue a new failure
	// reopens it; later ones get a new issue linking the old.
	ReopenWindow Duration `yaml:"reopen-window"`
	// ConsistentAfter is the number of consecutive failing runs, with no
	// pass, after which a test is reported as consistently failing.
	ConsistentAfter int `yaml:"consistent-after"`
	// QuietLabel on an issue stops the tool's comments (it keeps counting).
	QuietLabel string `yaml:"quiet-label"`
	// IgnoreLabel on an issue makes the tool leave it and its test alone.
	IgnoreLabel string `yaml:"ignore-label"`
	// Owners says where ownership comes from and who the fallback is.
	Owners Owners `yaml:"owners"`
	// Rotation is the on-duty test-maintainer rotation.
	Rotation Rotation `yaml:"rotation"`
	// Logs are globs of controller logs to correlate (as --logs).
	Logs []string `yaml:"logs"`
	// GroupSubtests folds Go subtests and pytest parameter sets into their
	// top-level test: one finding and one issue per top-level test.
	GroupSubtests bool `yaml:"group-subtests"`
	// InfraThreshold is the fraction of a report's tests (and at least 5)
	// that, failing at one location with one signature, make one
	// infrastructure failure instead of a finding each; 0 turns it off.
	InfraThreshold float64 `yaml:"infra-threshold"`
	// ExpertWindow is how far before a failure a commit to the failing
	// code makes its author an expert to assign (docs/experts.md).
	ExpertWindow Duration `yaml:"expert-window"`
	// MaxMentions caps the people @mentioned on an issue beyond its
	// assignees; the others are listed without a mention.
	MaxMentions int `yaml:"max-mentions"`
	// RequireReports makes a run that matched no report fail (exit 1)
	// instead of warning.
	RequireReports bool `yaml:"require-reports"`
	// WriteRate is the sustained pace of content-creating requests, in
	// writes per second, after a burst of 20; 0 means no pacing.
	WriteRate float64 `yaml:"write-rate"`
	// CheckName names the check run of annotations: checks.
	CheckName string `yaml:"check-name"`
	// ProwURL is the Prow instance (Deck) whose job pages the tool links
	// for Prow runs (as --prow-url); empty means https://prow.k8s.io.
	ProwURL string `yaml:"prow-url"`
	// Adopt lets the tool take over the one open issue people filed about
	// a test before it tracked it, instead of filing a second one.
	Adopt bool `yaml:"adopt"`
	// History is where the run ledger lives: "branch:NAME", "dir:PATH"
	// or "off".
	History string `yaml:"history"`
	// HistoryWindow is how many records that ran a test make its window;
	// HistoryDays how old they may be, in days.
	HistoryWindow int `yaml:"history-window"`
	HistoryDays   int `yaml:"history-days"`
	// JobKey tells apart the ledger records of matrix legs, which share
	// a job id.
	JobKey string `yaml:"job-key"`
	// FileAfter is how many runs of a test's window must fail or flake
	// before the test gets a new issue (docs/health.md).
	FileAfter int `yaml:"file-after"`
	// CloseAfter is how many consecutive passing runs close an open tool
	// issue; 0 never closes.
	CloseAfter int `yaml:"close-after"`
	// Priority are the priority labels the tool keeps from a test's
	// failure rate (config only).
	Priority []health.Level `yaml:"priority"`
	// QuarantineLabel on an issue of the tool quarantines its test
	// (docs/quarantine.md).
	QuarantineLabel string `yaml:"quarantine-label"`
	// FailOn decides the exit code from the findings: "never", "new"
	// (a failure whose verdict is new or broken) or "any" (any test that
	// failed every attempt).
	FailOn string `yaml:"fail-on"`
	// PRComment keeps one comment on a pull request listing its failures.
	PRComment bool `yaml:"pr-comment"`
}

// Labels configures the labels of new issues.
type Labels struct {
	Failure string   `yaml:"failure"`
	Flake   string   `yaml:"flake"`
	Extra   []string `yaml:"extra"`
	// Infra is the kind label of an infrastructure failure's issue.
	Infra string `yaml:"infra"`
}

// Titles are issue title templates.
type Titles struct {
	Failure string `yaml:"failure"`
	Flake   string `yaml:"flake"`
	Infra   string `yaml:"infra"`
}

// Owners configures ownership resolution.
type Owners struct {
	// Source is "auto" (OWNERS where the path has OWNERS coverage, else
	// CODEOWNERS), "owners" or "codeowners".
	Source string `yaml:"source"`
	// Maintainers are assigned when nobody owns the failing code.
	Maintainers []string `yaml:"maintainers"`
}

// Rotation is a test-maintainer rotation: Members take turns of Period
// starting at Start; the member on duty at the failure's time is assigned
// in addition to the owners.
type Rotation struct {
	Members []string `yaml:"members"`
	Start   Time     `yaml:"start"`
	Period  Duration `yaml:"period"`
}

// Default returns the configuration used when the file is absent, and the
// base that the file overrides.
func Default() Config {
	return Config{
		Labels:          Labels{Failure: "kind/failing-test", Flake: "kind/flake", Infra: "kind/failing-test"},
		Titles:          Titles{Failure: "[Failing test] {name}", Flake: "[Flaky test] {name}", Infra: "[Infrastructure failure] {name}"},
		MaxNewIssues:    10,
		MaxAssignees:    3,
		CommentInterval: Duration(24 * time.Hour),
		ReopenWindow:    Duration(30 * 24 * time.Hour),
		ConsistentAfter: 3,
		QuietLabel:      "flake-triage/quiet",
		IgnoreLabel:     "flake-triage/ignore",
		Owners:          Owners{Source: "auto"},
		Rotation:        Rotation{Period: Duration(7 * 24 * time.Hour)},
		GroupSubtests:   true,
		InfraThreshold:  0.5,
		ExpertWindow:    Duration(90 * 24 * time.Hour),
		MaxMentions:     5,
		WriteRate:       1,
		CheckName:       "flake-triage",
		Adopt:           true,
		History:         "branch:flake-triage-history",
		HistoryWindow:   50,
		HistoryDays:     90,
		FileAfter:       1,
		CloseAfter:      10,
		QuarantineLabel: "flake-triage/quarantine",
		FailOn:          "never",
	}
}

// Parse reads a configuration file's content over the defaults. name is
// used in error messages.
func Parse(name string, data []byte) (Config, error) {
	c := Default()
	dec := yaml.NewDecoder(bytes.NewReader(data))
	dec.KnownFields(true)
	if err := dec.Decode(&c); err != nil && !errors.Is(err, io.EOF) {
		return Config{}, fmt.Errorf("config %s: %s", name, yamlMessage(err))
	}
	if err := c.Validate(); err != nil {
		return Config{}, fmt.Errorf("config %s: %w", name, err)
	}
	return c, nil
}

// yamlMessage drops yaml.v3's "yaml: unmarshal errors:" preamble so that
// each problem reads "line N: ...", in the file's words rather than Go's
// (see Explain).
func yamlMessage(err error) string {
	var te *yaml.TypeError
	if errors.As(err, &te) {
		msgs := make([]string, len(te.Errors))
		for i, e := range te.Errors {
			msgs[i] = explain(e)
		}
		return strings.Join(msgs, "; ")
	}
	return strings.TrimPrefix(err.Error(), "yaml: ")
}

// Validate checks values that YAML types alone cannot.
func (c Config) Validate() error {
	var errs []error
	if c.MaxNewIssues < 1 {
		errs = append(errs, fmt.Errorf("max-new-issues must be at least 1, got %d", c.MaxNewIssues))
	}
	if c.MaxAssignees < 0 || c.MaxAssignees > 10 {
		errs = append(errs, fmt.Errorf("max-assignees must be between 0 and 10 (GitHub's limit), got %d", c.MaxAssignees))
	}
	if c.CommentInterval < 0 {
		errs = append(errs, fmt.Errorf("comment-interval must not be negative"))
	}
	if c.ReopenWindow < 0 {
		errs = append(errs, fmt.Errorf("reopen-window must not be negative"))
	}
	if c.ConsistentAfter < 1 {
		errs = append(errs, fmt.Errorf("consistent-after must be at least 1, got %d", c.ConsistentAfter))
	}
	switch c.Owners.Source {
	case "auto", "owners", "codeowners":
	default:
		errs = append(errs, fmt.Errorf("owners.source must be auto, owners or codeowners, got %q", c.Owners.Source))
	}
	if c.Labels.Failure == "" || c.Labels.Flake == "" {
		errs = append(errs, fmt.Errorf("labels.failure and labels.flake must not be empty"))
	}
	if len(c.Rotation.Members) > 0 && c.Rotation.Period <= 0 {
		errs = append(errs, fmt.Errorf("rotation.period must be positive"))
	}
	if len(c.Rotation.Members) > 0 && time.Time(c.Rotation.Start).IsZero() {
		errs = append(errs, fmt.Errorf("rotation.start is required when rotation.members is set"))
	}
	if c.InfraThreshold < 0 || c.InfraThreshold > 1 {
		errs = append(errs, fmt.Errorf("infra-threshold must be between 0 and 1 (0 turns it off), got %v", c.InfraThreshold))
	}
	if c.Labels.Infra == "" {
		errs = append(errs, fmt.Errorf("labels.infra must not be empty"))
	}
	switch c.FailOn {
	case "never", "new", "any":
	default:
		errs = append(errs, fmt.Errorf("fail-on must be never, new or any, got %q", c.FailOn))
	}
	if strings.TrimSpace(c.QuarantineLabel) == "" {
		errs = append(errs, fmt.Errorf("quarantine-label must not be empty"))
	}
	if c.ExpertWindow < 0 {
		errs = append(errs, fmt.Errorf("expert-window must not be negative"))
	}
	if c.MaxMentions < 0 {
		errs = append(errs, fmt.Errorf("max-mentions must not be negative, got %d", c.MaxMentions))
	}
	if _, _, err := ledger.Parse(c.History); err != nil {
		errs = append(errs, err)
	}
	if c.HistoryWindow < 1 {
		errs = append(errs, fmt.Errorf("history-window must be at least 1, got %d", c.HistoryWindow))
	}
	if c.FileAfter < 1 {
		errs = append(errs, fmt.Errorf("file-after must be at least 1, got %d", c.FileAfter))
	}
	if c.CloseAfter < 0 {
		errs = append(errs, fmt.Errorf("close-after must not be negative, got %d", c.CloseAfter))
	}
	for i, l := range c.Priority {
		if strings.TrimSpace(l.Label) == "" || l.Rate < 0 || l.Rate > 1 {
			errs = append(errs, fmt.Errorf("priority[%d] needs a label and a rate between 0 and 1, got {label: %q, rate: %v}", i, l.Label, l.Rate))
		}
	}
	if c.HistoryDays < 1 {
		errs = append(errs, fmt.Errorf("history-days must be at least 1, got %d", c.HistoryDays))
	}
	if c.WriteRate < 0 || math.IsNaN(c.WriteRate) || math.IsInf(c.WriteRate, 0) {
		errs = append(errs, fmt.Errorf("write-rate must be a number of writes per second, 0 or more, got %v", c.WriteRate))
	}
	if strings.TrimSpace(c.CheckName) == "" {
		errs = append(errs, fmt.Errorf("check-name must not be empty"))
	}
	return errors.Join(errs...)
}

// A Duration is a time.Duration written as Go writes durations ("36h",
// "90m") or as a number of days ("30d").
type Duration time.Duration

// ParseDuration parses "30d", "1w" or any time.ParseDuration string.
func ParseDuration(s string) (Duration, error) {
	s = strings.TrimSpace(s)
	for suffix, unit := range map[string]time.Duration{"d": 24 * time.Hour, "w": 7 * 24 * time.Hour} {
		if n, ok := strings.CutSuffix(s, suffix); ok {
			v, err := strconv.ParseFloat(n, 64)
			if err != nil {
				return 0, fmt.Errorf("invalid duration %q", s)
			}
			return Duration(v * float64(unit)), nil
		}
	}
	d, err := time.ParseDuration(s)
	if err != nil {
		return 0, fmt.Errorf("invalid duration %q (use e.g. 24h, 90m or 30d)", s)
	}
	return Duration(d), nil
}

// UnmarshalYAML implements yaml.Unmarshaler.
func (d *Duration) UnmarshalYAML(n *yaml.Node) error {
	v, err := ParseDuration(n.Value)
	if err != nil {
		return fmt.Errorf("line %d: %w", n.Line, err)
	}
	*d = v
	return nil
}

// Std returns d as a time.Duration.
func (d Duration) Std() time.Duration { return time.Duration(d) }

// A Time is a date ("2026-01-05") or an RFC 3339 time.
type Time time.Time

// UnmarshalYAML implements yaml.Unmarshaler.
func (t *Time) UnmarshalYAML(n *yaml.Node) error {
	for _, layout := range []string{time.RFC3339, "2006-01-02"} {
		if v, err := time.Parse(layout, n.Value); err == nil {
			*t = Time(v)
			return nil
		}
	}
	return fmt.Errorf("line %d: invalid time %q (use 2006-01-02 or RFC 3339)", n.Line, n.Value)
}

// Std returns t as a time.Time.
func (t Time) Std() time.Time { return time.Time(t) }

// Equal reports whether t and u are the same instant.
func (t Time) Equal(u Time) bool { return time.Time(t).Equal(time.Time(u)) }
