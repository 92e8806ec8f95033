package action

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestModeFor(t *testing.T) {
	tests := []struct {
		event, want string
	}{
		{"pull_request", ModeAnnotate},
		{"pull_request_target", ModeAnnotate},
		{"merge_group", ModeAnnotate},
		{"push", ModeFile},
		{"schedule", ModeFile},
		{"workflow_dispatch", ModeFile},
		{"workflow_run", ModeFile},
		{"", ModeFile},
		{"issue_comment", ModeAnnotate},
		{"repository_dispatch", ModeAnnotate},
	}
	for _, tt := range tests {
		if got := ModeFor(tt.event); got != tt.want {
			t.Errorf("ModeFor(%q) = %q, want %q", tt.event, got, tt.want)
		}
	}
}

func readTestdata(t *testing.T, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestReadEvent(t *testing.T) {
	tests := []struct {
		name, file string
		payload    string // used when file is empty
		want       Event
	}{
		{
			name: "pull_request", file: "events/pull_request.json",
			want: Event{Name: "pull_request", Action: "opened", PRNumber: 2,
				HeadSHA: "ec26c3e57ca3a959ca5aad62de7213c562f8c821", HeadRef: "changes", BaseRef: "master",
				Actor: "Codertocat", Author: "Codertocat", Repo: "Codertocat/Hello-World"},
		},
		{
			name: "pull_request", file: "events/pull_request.synchronize.json",
			want: Event{Name: "pull_request", Action: "synchronize", PRNumber: 2,
				HeadSHA: "ec26c3e57ca3a959ca5aad62de7213c562f8c821", HeadRef: "changes", BaseRef: "master",
				Actor: "Codertocat", Author: "Codertocat", Repo: "Codertocat/Hello-World"},
		},
		{
			name: "push", file: "events/push.json",
			want: Event{Name: "push", HeadSHA: "6113728f27ae82c7b1a177c8d03f9e96e0adf246", Ref: "refs/heads/master",
				Actor: "Codertocat", Repo: "Codertocat/Hello-World"},
		},
		{
			name: "workflow_dispatch", file: "events/workflow_dispatch.json",
			want: Event{Name: "workflow_dispatch", Ref: "refs/heads/main", Actor: "octocat", Repo: "octo-org/octo-repo"},
		},
		{
			name: "workflow_run", file: "events/workflow_run.json",
			want: Event{Name: "workflow_run", Action: "completed", HeadSHA: "3484a3fb816e0859fd6e1cea078d76385ff50625",
				HeadRef: "master", Actor: "Codertocat", Repo: "octo-org/octo-repo",
				Run: &Run{ID: 289782451, Attempt: 1, Number: 163, Event: "repository_dispatch", Conclusion: "success",
					HeadSHA: "3484a3fb816e0859fd6e1cea078d76385ff50625", HeadBranch: "master", HeadRepo: "octo-org/octo-repo",
					URL: "https://github.com/octo-org/octo-repo/actions/runs/289782451"}},
		},
		{
			name: "workflow_run", file: "events/workflow_run.pull_requests.json",
			want: Event{Name: "workflow_run", Action: "completed", PRNumber: 2, HeadSHA: "3484a3fb816e0859fd6e1cea078d76385ff50625",
				HeadRef: "master", BaseRef: "master", Actor: "Codertocat", Repo: "octo-org/octo-repo",
				Run: &Run{ID: 289782451, Attempt: 1, Number: 163, Event: "repository_dispatch", Conclusion: "success",
					HeadSHA: "3484a3fb816e0859fd6e1cea078d76385ff50625", HeadBranch: "master", HeadRepo: "octo-org/octo-repo",
					URL: "https://github.com/octo-org/octo-repo/actions/runs/289782451"}},
		},
		{
			// A fork's pull request: head and base live in different repositories.
			name: "pull_request_target",
			payload: `{"action":"opened","number":7,"sender":{"login":"mallory"},"repository":{"full_name":"o/r"},
				"pull_request":{"number":7,"user":{"login":"mallory"},
				"head":{"ref":"main","sha":"aaa","repo":{"full_name":"mallory/r"}},
				"base":{"ref":"main","sha":"bbb","repo":{"full_name":"o/r"}}}}`,
			want: Event{Name: "pull_request_target", Action: "opened", PRNumber: 7, HeadSHA: "aaa", HeadRef: "main",
				BaseRef: "main", Actor: "mallory", Author: "mallory", Repo: "o/r", Fork: true},
		},
		{
			// A fork's workflow_run: GitHub lists no pull requests for it.
			name: "workflow_run",
			payload: `{"action":"completed","repository":{"full_name":"o/r"},"workflow_run":{"id":9,"run_attempt":2,
				"head_sha":"ccc","head_branch":"patch-1","event":"pull_request","conclusion":"failure",
				"html_url":"https://github.com/o/r/actions/runs/9","head_repository":{"full_name":"mallory/r"},"pull_requests":[]}}`,
			want: Event{Name: "workflow_run", Action: "completed", HeadSHA: "ccc", HeadRef: "patch-1", Repo: "o/r", Fork: true,
				Run: &Run{ID: 9, Attempt: 2, Event: "pull_request", Conclusion: "failure", HeadSHA: "ccc",
					HeadBranch: "patch-1", HeadRepo: "mallory/r", URL: "https://github.com/o/r/actions/runs/9"}},
		},
		{
			// From GitHub's webhook docs: merge_group checks_requested.
			name: "merge_group",
			payload: `{"action":"checks_requested","merge_group":{"head_sha":"ddd",
				"head_ref":"refs/heads/gh-readonly-queue/main/pr-12-eee","base_ref":"refs/heads/main"},
				"repository":{"full_name":"o/r"},"sender":{"login":"bot"}}`,
			want: Event{Name: "merge_group", Action: "checks_requested", HeadSHA: "ddd",
				HeadRef: "refs/heads/gh-readonly-queue/main/pr-12-eee", BaseRef: "refs/heads/main", Actor: "bot", Repo: "o/r"},
		},
		{
			name:    "schedule",
			payload: `{"schedule":"17 3 * * *","repository":{"full_name":"o/r"}}`,
			want:    Event{Name: "schedule", Schedule: "17 3 * * *", Repo: "o/r"},
		},
		{
			name:    "workflow_dispatch",
			payload: `{"ref":"refs/heads/main","inputs":{"run-id":"123","verbose":true,"n":3,"empty":null}}`,
			want: Event{Name: "workflow_dispatch", Ref: "refs/heads/main",
				Inputs: map[string]string{"run-id": "123", "verbose": "true", "n": "3", "empty": ""}},
		},
		{name: "push", payload: "", want: Event{Name: "push"}},
	}
	for _, tt := range tests {
		t.Run(tt.name+" "+tt.file, func(t *testing.T) {
			payload := []byte(tt.payload)
			if tt.file != "" {
				payload = readTestdata(t, tt.file)
			}
			got, err := ReadEvent(tt.name, payload)
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("ReadEvent (-want +got):\n%s", diff)
			}
		})
	}
}

func TestReadEventError(t *testing.T) {
	_, err := ReadEvent("push", []byte(`{"ref": 3}`))
	if err == nil {
		t.Fatal("ReadEvent accepted a number as ref")
	}
}

func FuzzReadEvent(f *testing.F) {
	for _, name := range []string{"pull_request.json", "push.json", "workflow_dispatch.json", "workflow_run.json"} {
		b, err := os.ReadFile(filepath.Join("testdata", "events", name))
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	f.Add([]byte(`{"pull_request":{"head":{"repo":null}}}`))
	f.Fuzz(func(t *testing.T, payload []byte) {
		ev, err := ReadEvent("x", payload)
		if ev.Name != "x" {
			t.Errorf("ReadEvent lost the event name: %q (err %v)", ev.Name, err)
		}
	})
}

func TestHostWorkspaces(t *testing.T) {
	tests := []struct {
		name string
		env  map[string]string
		want []string
	}{
		{
			name: "docker action",
			env: map[string]string{"GITHUB_WORKSPACE": "/github/workspace", "RUNNER_WORKSPACE": "/home/runner/work/capi-like",
				"GITHUB_REPOSITORY": "o/capi-like"},
			want: []string{"/github/workspace", "/home/runner/work/capi-like/capi-like"},
		},
		{
			name: "run step",
			env: map[string]string{"GITHUB_WORKSPACE": "/home/runner/work/capi-like/capi-like/", "RUNNER_WORKSPACE": "/home/runner/work/capi-like",
				"GITHUB_REPOSITORY": "o/capi-like"},
			want: []string{"/home/runner/work/capi-like/capi-like"},
		},
		{name: "outside actions", env: map[string]string{}, want: nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := HostWorkspaces(func(k string) string { return tt.env[k] })
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("HostWorkspaces (-want +got):\n%s", diff)
			}
		})
	}
}
