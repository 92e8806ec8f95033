package cli

import (
	"flag"
	"fmt"
	"io"
	"math"
	"slices"
	"strconv"
	"strings"

	"github.com/sethvargo/go-githubactions"

	"github.com/flake-triage/flake-triage/internal/config"
	"github.com/flake-triage/flake-triage/internal/ledger"
	"github.com/flake-triage/flake-triage/internal/prow"
)

// Options are the inputs of `flake-triage triage`, read once from the
// command line, the action's INPUT_* variables and the environment, in
// that order of precedence.
type Options struct {
	Reports           []string
	ReportsSet        bool // --reports (or the input) was given
	RepoRoot          string
	Repo              string
	Token             string
	APIURL            string
	Mode              string
	DryRun            bool
	Config            string
	ConfigSet         bool // --config was given: a missing file is then an error
	Logs              []string
	FromRun           int64
	Annotations       string
	PathPrefixes      []string
	FailOnReportError bool
	JSON              string

	// Policy knobs that override the repo config when given.
	MaxNewIssues    *int
	MaxAssignees    *int
	CommentInterval *config.Duration
	ReopenWindow    *config.Duration
	GroupSubtests   *bool
	InfraThreshold  *float64
	ExpertWindow    *config.Duration
	MaxMentions     *int
	RequireReports  *bool
	WriteRate       *float64
	CheckName       *string
	Adopt           *bool
	QuarantineLabel string // "" when not given
	FailOn          string // "" when not given
	PRComment       *bool

	// FromProw is the Prow job run to re-triage (--from-prow), parsed.
	FromProw *prow.Folder
	// ProwURL is the Prow instance (Deck) that job page links name.
	ProwURL string
	// The run ledger's settings, over the repo config when given. JobKey
	// also keys the job's section of the pull request comment.
	History       *string
	HistoryWindow *int
	HistoryDays   *int
	JobKey        *string

	// Health settings (docs/health.md), over the repo config when given.
	FileAfter       *int
	CloseAfter      *int
	ConsistentAfter *int
}

// DefaultJSON is where the JSON result goes inside GitHub Actions when
// --json is not given: relative to the workspace, the step's directory.
const DefaultJSON = "flake-triage.json"

// A UsageError is a problem with the command line or the inputs: exit code
// 2, nothing was done.
type UsageError struct{ Err error }

func (e UsageError) Error() string { return e.Err.Error() }
func (e UsageError) Unwrap() error { return e.Err }

func usagef(format string, args ...any) error {
	return UsageError{fmt.Errorf(format, args...)}
}

// inputNames are the triage inputs, each a flag, an action input and an
// INPUT_<NAME> variable of the same name.
var inputNames = []string{
	"reports", "repo-root", "repo", "token", "api-url", "mode", "dry-run", "config", "logs",
	"from-run", "annotations", "path-prefix", "fail-on-report-error", "json",
	"max-new-issues", "max-assignees", "comment-interval", "reopen-window",
	"group-subtests", "infra-threshold",
	"expert-window", "max-mentions",
	"require-reports", "write-rate", "check-name",
	"from-prow", "prow-url",
	"adopt",
	"history", "history-window", "history-days", "job-key",
	"file-after", "close-after", "consistent-after",
	"quarantine-label", "fail-on", "pr-comment",
}

// boolNames are the inputs that are true or false; as flags they are
// given without a value.
var boolNames = map[string]bool{"dry-run": true, "fail-on-report-error": true, "require-reports": true, "adopt": true, "group-subtests": true, "pr-comment": true}

// listFlag is a repeatable flag whose values may also hold several
// newline-separated entries.
type listFlag []string

func (l *listFlag) String() string { return strings.Join(*l, "\n") }
func (l *listFlag) Set(v string) error {
	*l = append(*l, splitList(v)...)
	return nil
}

func splitList(v string) []string {
	var out []string
	for _, line := range strings.Split(v, "\n") {
		if line = strings.TrimSpace(line); line != "" {
			out = append(out, line)
		}
	}
	return out
}

// parseTriage reads the triage options. getenv is the process
// environment. Problems come back as errors in the tool's words (nothing
// is printed to stderr); --help returns errHelp.
func parseTriage(args []string, getenv func(string) string, _ io.Writer) (Options, error) {
	fs := flag.NewFlagSet("flake-triage triage", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	fs.Usage = func() {}
	raw := map[string]*string{}
	var lists = map[string]*listFlag{"reports": {}, "logs": {}, "path-prefix": {}}
	for _, name := range inputNames {
		if l, ok := lists[name]; ok {
			fs.Var(l, name, usage[name])
			continue
		}
		if boolNames[name] {
			raw[name] = new(string)
			fs.Func(name, usage[name], boolFunc(raw[name]))
			continue
		}
		raw[name] = fs.String(name, "", usage[name])
	}
	// Boolean flags are given without a value.
	args = slices.Clone(args)
	for i, a := range args {
		if a == "--" {
			break
		}
		if name := strings.TrimLeft(a, "-"); strings.HasPrefix(a, "-") && boolNames[name] {
			args[i] = "--" + name + "=true"
		}
	}
	if err := fs.Parse(args); err != nil {
		return Options{}, flagProblem(err, "triage", inputNames)
	}
	if fs.NArg() > 0 {
		return Options{}, usagef("unexpected argument %q (report globs go in --reports)", fs.Arg(0))
	}
	set := map[string]bool{}
	fs.Visit(func(f *flag.Flag) { set[f.Name] = true })

	gha := githubactions.New(githubactions.WithGetenv(getenv))
	// value returns the flag when given, else the action input.
	value := func(name string) string {
		if set[name] {
			if l, ok := lists[name]; ok {
				return l.String()
			}
			return *raw[name]
		}
		return strings.TrimSpace(gha.GetInput(name))
	}

	o := Options{
		Reports:      splitList(value("reports")),
		RepoRoot:     value("repo-root"),
		Repo:         value("repo"),
		Token:        value("token"),
		APIURL:       value("api-url"),
		Mode:         value("mode"),
		Config:       value("config"),
		Logs:         splitList(value("logs")),
		Annotations:  value("annotations"),
		PathPrefixes: splitList(value("path-prefix")),
		JSON:         value("json"),

		QuarantineLabel: value("quarantine-label"),
		FailOn:          value("fail-on"),
	}
	o.ConfigSet = o.Config != ""
	o.ReportsSet = len(o.Reports) > 0
	var errs []string
	var requireReports bool
	bools := map[string]*bool{"dry-run": &o.DryRun, "fail-on-report-error": &o.FailOnReportError, "require-reports": &requireReports}
	for name, dst := range bools {
		if v := value(name); v != "" {
			b, err := strconv.ParseBool(v)
			if err != nil {
				errs = append(errs, fmt.Sprintf("%s must be true or false, got %q", name, v))
			}
			*dst = b
		}
	}
	if value("require-reports") != "" {
		o.RequireReports = &requireReports
	}
	if v := value("write-rate"); v != "" {
		r, err := strconv.ParseFloat(v, 64)
		if err != nil || r < 0 || math.IsInf(r, 0) || math.IsNaN(r) {
			errs = append(errs, fmt.Sprintf("write-rate must be a number of writes per second, 0 or more (0: no pacing), got %q", v))
		}
		o.WriteRate = &r
	}
	if v := value("check-name"); v != "" {
		o.CheckName = &v
	}
	if v := value("from-run"); v != "" {
		id, err := strconv.ParseInt(v, 10, 64)
		if err != nil || id <= 0 {
			errs = append(errs, fmt.Sprintf("from-run must be a workflow run id (a positive number), got %q", v))
		}
		o.FromRun = id
	}
	for name, dst := range map[string]**int{"max-new-issues": &o.MaxNewIssues, "max-assignees": &o.MaxAssignees, "max-mentions": &o.MaxMentions, "history-window": &o.HistoryWindow, "history-days": &o.HistoryDays, "file-after": &o.FileAfter, "close-after": &o.CloseAfter, "consistent-after": &o.ConsistentAfter} {
		if v := value(name); v != "" {
			n, err := strconv.Atoi(v)
			if err != nil {
				errs = append(errs, fmt.Sprintf("%s must be a number, got %q", name, v))
			}
			*dst = &n
		}
	}
	for name, dst := range map[string]**config.Duration{"comment-interval": &o.CommentInterval, "reopen-window": &o.ReopenWindow, "expert-window": &o.ExpertWindow} {
		if v := value(name); v != "" {
			d, err := config.ParseDuration(v)
			if err != nil {
				errs = append(errs, fmt.Sprintf("%s: %v", name, err))
			}
			*dst = &d
		}
	}
	errs = append(errs, o.parseGrouping(value)...)
	if v := value("from-prow"); v != "" {
		f, err := prow.ParseURL(v)
		if err != nil {
			errs = append(errs, fmt.Sprintf("from-prow: %v", err))
		}
		o.FromProw = &f
	}
	o.ProwURL = value("prow-url")
	if v := value("adopt"); v != "" {
		b, err := strconv.ParseBool(v)
		if err != nil {
			errs = append(errs, fmt.Sprintf("adopt must be true or false, got %q", v))
		}
		o.Adopt = &b
	}
	for name, dst := range map[string]**string{"history": &o.History, "job-key": &o.JobKey} {
		if v := value(name); v != "" {
			*dst = &v
		}
	}
	if v := value("pr-comment"); v != "" {
		b, err := strconv.ParseBool(v)
		if err != nil {
			errs = append(errs, fmt.Sprintf("pr-comment must be true or false, got %q", v))
		}
		o.PRComment = &b
	}
	if len(errs) > 0 {
		return Options{}, usagef("%s", strings.Join(errs, "; "))
	}

	// Defaults from the environment, as docs/commands.md lists them.
	o.prowDefaults(getenv)
	if len(o.Reports) == 0 {
		o.Reports = []string{"**/junit*.xml"}
	}
	o.environmentDefaults(getenv)
	if o.Mode == "" {
		o.Mode = "auto"
	}
	if o.Annotations == "" {
		o.Annotations = "commands"
	}
	if o.JSON == "" && getenv("GITHUB_ACTIONS") == "true" {
		// In Actions the result always lands in the workspace, so that
		// the result-json output names a file later steps can read.
		o.JSON = DefaultJSON
	}
	return o, o.Validate()
}

// environmentDefaults fills the settings that the commands reading a
// repository share, when they were not given, from the environment as
// docs/commands.md lists it: repo-root, repo, token, api-url and config.
func (o *Options) environmentDefaults(getenv func(string) string) {
	if o.RepoRoot == "" {
		o.RepoRoot = getenv("GITHUB_WORKSPACE")
	}
	if o.RepoRoot == "" {
		o.RepoRoot = "."
	}
	if o.Repo == "" {
		o.Repo = getenv("GITHUB_REPOSITORY")
	}
	if o.Token == "" {
		o.Token = getenv("GITHUB_TOKEN")
	}
	if o.APIURL == "" {
		o.APIURL = getenv("GITHUB_API_URL")
	}
	if o.APIURL == "" {
		o.APIURL = "https://api.github.com"
	}
	if o.Config == "" {
		o.Config = config.DefaultPath
	}
}

// Validate checks the options with sentences that name the input.
func (o Options) Validate() error {
	var errs []string
	switch o.Mode {
	case "auto", "file", "annotate":
	default:
		errs = append(errs, fmt.Sprintf("mode must be auto, file or annotate, got %q", o.Mode))
	}
	switch o.Annotations {
	case "commands", "checks", "off":
	default:
		errs = append(errs, fmt.Sprintf("annotations must be commands, checks or off, got %q", o.Annotations))
	}
	if o.Repo != "" {
		if owner, name, ok := strings.Cut(o.Repo, "/"); !ok || owner == "" || name == "" || strings.Contains(name, "/") {
			errs = append(errs, fmt.Sprintf("repo must be owner/name, got %q", o.Repo))
		}
	}
	if o.Mode == "file" && !o.DryRun {
		if o.Token == "" {
			errs = append(errs, "mode file needs a token (--token, the token input or GITHUB_TOKEN) with issues: write")
		}
		if o.Repo == "" {
			errs = append(errs, "mode file needs the repository (--repo or GITHUB_REPOSITORY)")
		}
	}
	if o.FromRun != 0 && o.FromProw != nil {
		errs = append(errs, "from-run and from-prow name two different runs; give one")
	}
	if o.FromRun != 0 && (o.Token == "" || o.Repo == "") {
		errs = append(errs, "from-run needs a token with actions: read and the repository (--repo)")
	}
	if o.ProwURL != "" && !strings.HasPrefix(o.ProwURL, "https://") && !strings.HasPrefix(o.ProwURL, "http://") {
		errs = append(errs, fmt.Sprintf("prow-url must be the https:// address of a Prow instance, got %q", o.ProwURL))
	}
	if o.MaxNewIssues != nil && *o.MaxNewIssues < 1 {
		errs = append(errs, "max-new-issues must be at least 1")
	}
	if o.MaxAssignees != nil && (*o.MaxAssignees < 0 || *o.MaxAssignees > 10) {
		errs = append(errs, "max-assignees must be between 0 and 10")
	}
	if o.History != nil {
		if _, _, err := ledger.Parse(*o.History); err != nil {
			errs = append(errs, err.Error())
		}
	}
	if o.HistoryWindow != nil && *o.HistoryWindow < 1 {
		errs = append(errs, "history-window must be at least 1")
	}
	if o.HistoryDays != nil && *o.HistoryDays < 1 {
		errs = append(errs, "history-days must be at least 1")
	}
	switch o.FailOn {
	case "", "never", "new", "any":
	default:
		errs = append(errs, fmt.Sprintf("fail-on must be never, new or any, got %q", o.FailOn))
	}
	if o.MaxMentions != nil && *o.MaxMentions < 0 {
		errs = append(errs, "max-mentions must not be negative")
	}
	if o.ExpertWindow != nil && *o.ExpertWindow < 0 {
		errs = append(errs, "expert-window must not be negative")
	}
	if o.FileAfter != nil && *o.FileAfter < 1 {
		errs = append(errs, "file-after must be at least 1")
	}
	if o.CloseAfter != nil && *o.CloseAfter < 0 {
		errs = append(errs, "close-after must not be negative")
	}
	if o.ConsistentAfter != nil && *o.ConsistentAfter < 1 {
		errs = append(errs, "consistent-after must be at least 1")
	}
	if len(errs) > 0 {
		return usagef("%s", strings.Join(errs, "; "))
	}
	return nil
}

// apply lays the options' policy overrides over the repo config.
func (o Options) apply(c config.Config) config.Config {
	if o.MaxNewIssues != nil {
		c.MaxNewIssues = *o.MaxNewIssues
	}
	if o.MaxAssignees != nil {
		c.MaxAssignees = *o.MaxAssignees
	}
	if o.CommentInterval != nil {
		c.CommentInterval = *o.CommentInterval
	}
	if o.ReopenWindow != nil {
		c.ReopenWindow = *o.ReopenWindow
	}
	if len(o.Logs) > 0 {
		c.Logs = o.Logs
	}
	if o.GroupSubtests != nil {
		c.GroupSubtests = *o.GroupSubtests
	}
	if o.InfraThreshold != nil {
		c.InfraThreshold = *o.InfraThreshold
	}
	if o.ExpertWindow != nil {
		c.ExpertWindow = *o.ExpertWindow
	}
	if o.MaxMentions != nil {
		c.MaxMentions = *o.MaxMentions
	}
	if o.RequireReports != nil {
		c.RequireReports = *o.RequireReports
	}
	if o.WriteRate != nil {
		c.WriteRate = *o.WriteRate
	}
	if o.CheckName != nil {
		c.CheckName = *o.CheckName
	}
	if o.ProwURL != "" {
		c.ProwURL = o.ProwURL
	}
	if o.Adopt != nil {
		c.Adopt = *o.Adopt
	}
	if o.History != nil {
		c.History = *o.History
	}
	if o.HistoryWindow != nil {
		c.HistoryWindow = *o.HistoryWindow
	}
	if o.HistoryDays != nil {
		c.HistoryDays = *o.HistoryDays
	}
	if o.JobKey != nil {
		c.JobKey = *o.JobKey
	}
	if o.FileAfter != nil {
		c.FileAfter = *o.FileAfter
	}
	if o.CloseAfter != nil {
		c.CloseAfter = *o.CloseAfter
	}
	if o.ConsistentAfter != nil {
		c.ConsistentAfter = *o.ConsistentAfter
	}
	if o.QuarantineLabel != "" {
		c.QuarantineLabel = o.QuarantineLabel
	}
	if o.FailOn != "" {
		c.FailOn = o.FailOn
	}
	if o.PRComment != nil {
		c.PRComment = *o.PRComment
	}
	return c
}

func boolFunc(dst *string) func(string) error {
	return func(v string) error {
		if _, err := strconv.ParseBool(v); err != nil {
			return fmt.Errorf("want true or false")
		}
		*dst = v
		return nil
	}
}

var usage = map[string]string{
	"reports":              "report globs (doublestar, relative to --repo-root; repeatable or newline-separated; !glob excludes) (default **/junit*.xml; **/*.xml in the artifacts of --from-run)",
	"repo-root":            "the checkout that the reports' paths refer to (default $GITHUB_WORKSPACE or .)",
	"repo":                 "owner/name of the issue tracker (default $GITHUB_REPOSITORY)",
	"token":                "API token (default $GITHUB_TOKEN); never printed",
	"api-url":              "REST API base URL (default $GITHUB_API_URL or https://api.github.com)",
	"mode":                 "auto, file (create/update issues) or annotate (no issue writes) (default auto: file on push, schedule, dispatch and workflow_run runs and Prow periodics, annotate on pull requests and elsewhere)",
	"dry-run":              "compute and print the full plan; make no writes",
	"config":               "repo config file; a file named here must exist (default .github/flake-triage.yaml when it exists, else the defaults)",
	"logs":                 "globs of controller/component logs to correlate",
	"from-run":             "a workflow run id: download that run's artifacts and triage their reports",
	"annotations":          "commands (workflow commands), checks (a check run; needs checks: write) or off (default commands)",
	"path-prefix":          "extra absolute prefixes to strip from report paths (repeatable)",
	"fail-on-report-error": "exit 1 when a report cannot be read",
	"json":                 "write the JSON result to this file; - for stdout (default none; flake-triage.json inside GitHub Actions)",
	"max-new-issues":       "storm guard: most new issues per run (default 10)",
	"max-assignees":        "most assignees per issue (default 3)",
	"comment-interval":     "least time between routine comments on an issue (default 24h)",
	"reopen-window":        "how long after closing a failure reopens an issue (default 30d)",
	"group-subtests":       "fold Go subtests and pytest parameters into their top-level test: one issue per top-level test (default true)",
	"infra-threshold":      "fraction of a report's tests (and at least 5) failing at one location with one signature that makes one infrastructure finding; 0 turns it off (default 0.5)",
	"expert-window":        "how far before a failure a commit to the failing code makes its author an expert (default 90d)",
	"max-mentions":         "most people @mentioned on an issue beyond its assignees; the rest are listed (default 5)",
	"require-reports":      "exit 1 when no report matches the globs (default: warn and exit 0)",
	"write-rate":           "content-creating requests per second after a burst of 20; 0 = no pacing (default 1)",
	"check-name":           "the name of the check run of --annotations checks (default flake-triage)",
	"from-prow":            "a Prow job run (job page https://prow.k8s.io/view/gs/BUCKET/PATH, gcsweb URL or gs://BUCKET/PATH): download its reports and logs anonymously and triage them; --reports and --logs globs are relative to the run folder",
	"prow-url":             "the Prow instance (Deck) whose job pages the links name (default https://prow.k8s.io)",
	"adopt":                "take over the one open issue people filed about a failing test instead of filing another (default true)",
	"history":              "the run ledger: a branch of --repo, a directory, or off (default branch:flake-triage-history)",
	"history-window":       "how many records that ran a test make its window (default 50)",
	"history-days":         "how many days back a test's window reaches (default 90)",
	"job-key":              "tells apart the ledger records and pull request comment sections of matrix legs (default none); in a workflow: ${{ toJSON(matrix) }}",
	"file-after":           "a test gets a new issue once it failed or flaked in this many runs of its window (default 1)",
	"close-after":          "close an open tool issue whose test passed this many runs in a row; 0 never closes (default 10)",
	"consistent-after":     "a test that failed this many runs in a row is broken, consistently failing (default 3)",
	"quarantine-label":     "the label that quarantines the test of a flake-triage issue (default flake-triage/quarantine)",
	"fail-on":              "never, new (exit 1 when a failure is new or broken) or any (exit 1 when any test failed every attempt) (default never)",
	"pr-comment":           "on pull request runs, keep one comment on the pull request listing its failures (needs pull-requests: write)",
}
