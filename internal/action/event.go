// Package action presents a triage run inside GitHub Actions: the event
// policy of --mode auto, annotations at the failing lines, the job summary,
// the step outputs and, with --annotations checks, a check run.
//
// It writes through github.com/sethvargo/go-githubactions so that tests pass
// a map for the environment and a buffer for stdout; it never reads the
// process environment itself.
package action

import (
	"encoding/json"
	"fmt"
	"path"
	"strings"
)

// The modes --mode auto resolves to, as the CLI and the JSON result name
// them.
const (
	ModeFile     = "file"
	ModeAnnotate = "annotate"
)

// ModeFor returns the mode that --mode auto means for a workflow event
// (GITHUB_EVENT_NAME).
//
// Pull-request-like events only annotate: a pull request's failure may be
// the pull request's own doing, and a fork's token cannot write anyway.
// Events that run trusted code on the default branch or on a maintainer's
// request file issues. An empty name means the tool runs outside Actions,
// by hand, where filing is what the user asked for. Any other event
// (issue_comment, release, repository_dispatch, ...) annotates: filing from
// an event we do not know is the riskier mistake, and --mode file is one
// input away.
func ModeFor(event string) string {
	switch event {
	case "pull_request", "pull_request_target", "merge_group":
		return ModeAnnotate
	case "push", "schedule", "workflow_dispatch", "workflow_run", "":
		return ModeFile
	default:
		return ModeAnnotate
	}
}

// An Event is what the tool needs from the payload of the event that started
// the workflow (GITHUB_EVENT_PATH).
type Event struct {
	// Name is GITHUB_EVENT_NAME.
	Name string
	// Action is the payload's activity type ("opened", "completed", ...).
	Action string
	// PRNumber is the pull request the run is about, 0 when none. For
	// workflow_run it is the first of the triggering run's pull requests,
	// which GitHub leaves empty for pull requests from forks.
	PRNumber int
	// HeadSHA is the commit the tests ran on: the pull request's head, the
	// pushed commit, the merge group's head, the triggering run's head.
	HeadSHA string
	// Ref is the fully-formed ref of push and workflow_dispatch events.
	Ref string
	// HeadRef and BaseRef are the branches of a pull request or merge group
	// (for workflow_run, the triggering run's branch and its first pull
	// request's base).
	HeadRef, BaseRef string
	// Actor is the login of the user who triggered the event (sender).
	Actor string
	// Author is the pull request's author, when there is one.
	Author string
	// Repo is the repository the event belongs to ("owner/name").
	Repo string
	// Fork is true when the pull request's head lives in another repository
	// than its base, so that the run's token is read-only.
	Fork bool
	// Run describes the triggering workflow run of a workflow_run event.
	Run *Run
	// Inputs are the workflow_dispatch inputs.
	Inputs map[string]string
	// Schedule is the cron expression of a schedule event.
	Schedule string
}

// A Run is a workflow run as the workflow_run event describes it.
type Run struct {
	ID         int64
	Attempt    int
	Number     int
	Name       string
	Event      string // the event that triggered that run
	Conclusion string
	HeadSHA    string
	HeadBranch string
	HeadRepo   string
	URL        string
}

// eventPayload holds the fields of every supported payload that Event uses.
type eventPayload struct {
	Action     string `json:"action"`
	Number     int    `json:"number"`
	Ref        string `json:"ref"`
	After      string `json:"after"`
	Schedule   string `json:"schedule"`
	Repository struct {
		FullName string `json:"full_name"`
	} `json:"repository"`
	Sender struct {
		Login string `json:"login"`
	} `json:"sender"`
	PullRequest *struct {
		Number int `json:"number"`
		User   struct {
			Login string `json:"login"`
		} `json:"user"`
		Head prRef `json:"head"`
		Base prRef `json:"base"`
	} `json:"pull_request"`
	MergeGroup *struct {
		HeadSHA string `json:"head_sha"`
		HeadRef string `json:"head_ref"`
		BaseRef string `json:"base_ref"`
	} `json:"merge_group"`
	WorkflowRun *struct {
		ID             int64  `json:"id"`
		RunAttempt     int    `json:"run_attempt"`
		RunNumber      int    `json:"run_number"`
		Name           string `json:"name"`
		Event          string `json:"event"`
		Conclusion     string `json:"conclusion"`
		HeadSHA        string `json:"head_sha"`
		HeadBranch     string `json:"head_branch"`
		HTMLURL        string `json:"html_url"`
		HeadRepository struct {
			FullName string `json:"full_name"`
		} `json:"head_repository"`
		PullRequests []struct {
			Number int `json:"number"`
			Base   struct {
				Ref string `json:"ref"`
			} `json:"base"`
		} `json:"pull_requests"`
	} `json:"workflow_run"`
	Inputs map[string]any `json:"inputs"`
}

type prRef struct {
	Ref  string `json:"ref"`
	SHA  string `json:"sha"`
	Repo *struct {
		FullName string `json:"full_name"`
	} `json:"repo"`
}

// ReadEvent reads the event named name from its webhook payload (the file at
// GITHUB_EVENT_PATH). An empty payload gives an Event with only its name:
// outside Actions there is none.
func ReadEvent(name string, payload []byte) (Event, error) {
	ev := Event{Name: name}
	if len(strings.TrimSpace(string(payload))) == 0 {
		return ev, nil
	}
	var p eventPayload
	if err := json.Unmarshal(payload, &p); err != nil {
		return ev, fmt.Errorf("read %s event payload: %w", name, err)
	}
	ev.Action = p.Action
	ev.Actor = p.Sender.Login
	ev.Repo = p.Repository.FullName
	ev.Ref = p.Ref
	ev.Schedule = p.Schedule
	switch {
	case p.PullRequest != nil:
		pr := p.PullRequest
		ev.PRNumber = pr.Number
		if ev.PRNumber == 0 {
			ev.PRNumber = p.Number
		}
		ev.Author = pr.User.Login
		ev.HeadSHA = pr.Head.SHA
		ev.HeadRef = pr.Head.Ref
		ev.BaseRef = pr.Base.Ref
		if pr.Head.Repo == nil {
			// GitHub sends a null head repository when the fork was
			// deleted: it was a fork all the same.
			ev.Fork = true
		} else if pr.Base.Repo != nil {
			ev.Fork = !strings.EqualFold(pr.Head.Repo.FullName, pr.Base.Repo.FullName)
		}
	case p.MergeGroup != nil:
		ev.HeadSHA = p.MergeGroup.HeadSHA
		ev.HeadRef = p.MergeGroup.HeadRef
		ev.BaseRef = p.MergeGroup.BaseRef
	case p.WorkflowRun != nil:
		wr := p.WorkflowRun
		ev.Run = &Run{
			ID: wr.ID, Attempt: wr.RunAttempt, Number: wr.RunNumber, Name: wr.Name,
			Event: wr.Event, Conclusion: wr.Conclusion, HeadSHA: wr.HeadSHA,
			HeadBranch: wr.HeadBranch, HeadRepo: wr.HeadRepository.FullName, URL: wr.HTMLURL,
		}
		ev.HeadSHA = wr.HeadSHA
		ev.HeadRef = wr.HeadBranch
		if len(wr.PullRequests) > 0 {
			ev.PRNumber = wr.PullRequests[0].Number
			ev.BaseRef = wr.PullRequests[0].Base.Ref
		}
		ev.Fork = wr.HeadRepository.FullName != "" && ev.Repo != "" &&
			!strings.EqualFold(wr.HeadRepository.FullName, ev.Repo)
	default:
		// push: "after" is the pushed commit (all zeros when a branch is
		// deleted, which runs no tests).
		ev.HeadSHA = p.After
	}
	if len(p.Inputs) > 0 {
		ev.Inputs = make(map[string]string, len(p.Inputs))
		for k, v := range p.Inputs {
			switch v := v.(type) {
			case string:
				ev.Inputs[k] = v
			case nil:
				ev.Inputs[k] = ""
			default:
				// Boolean and number inputs arrive as JSON values.
				b, _ := json.Marshal(v)
				ev.Inputs[k] = string(b)
			}
		}
	}
	return ev, nil
}

// HostWorkspaces returns the paths the checkout may have had on the runner
// host, for stripping from report paths (--path-prefix).
//
// In a Docker action the workspace is mounted at /github/workspace
// (GITHUB_WORKSPACE inside the container), but reports written by earlier
// steps hold the host's paths, like /home/runner/work/repo/repo/test/x.go.
// The runner passes RUNNER_WORKSPACE (/home/runner/work/repo) with its host
// value, and actions/checkout puts the repository in a folder of the
// repository's name under it. getenv is the Action's environment lookup.
func HostWorkspaces(getenv func(string) string) []string {
	var out []string
	add := func(p string) {
		p = strings.TrimRight(p, "/")
		if p == "" {
			return
		}
		for _, q := range out {
			if q == p {
				return
			}
		}
		out = append(out, p)
	}
	add(getenv("GITHUB_WORKSPACE"))
	if rw := getenv("RUNNER_WORKSPACE"); rw != "" {
		if _, name, ok := strings.Cut(getenv("GITHUB_REPOSITORY"), "/"); ok && name != "" {
			add(path.Join(rw, name))
		}
	}
	return out
}
