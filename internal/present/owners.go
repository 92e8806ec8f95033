package present

import (
	"fmt"
	"io"

	"github.com/flake-triage/flake-triage/internal/owners"
)

// Owners writes who owns a path, and why, for `flake-triage owners`: the
// full and nearest approvers and reviewers, required reviewers, labels,
// the OWNERS files they come from and the CODEOWNERS rule that matches.
func Owners(w io.Writer, o owners.Owners) {
	fmt.Fprintf(w, "%s\n", o.Path)
	fmt.Fprintf(w, "  approvers:  %s\n", list(o.Approvers))
	fmt.Fprintf(w, "  reviewers:  %s\n", list(o.Reviewers))
	fmt.Fprintf(w, "  leaf:       approvers %s; reviewers %s\n", list(o.LeafApprovers), list(o.LeafReviewers))
	if len(o.RequiredReviewers) > 0 {
		fmt.Fprintf(w, "  required:   %s\n", list(o.RequiredReviewers))
	}
	if len(o.Labels) > 0 {
		fmt.Fprintf(w, "  labels:     %s\n", list(o.Labels))
	}
	fmt.Fprintf(w, "  from:       %s\n", list(o.Files))
	if c := o.CodeOwners; c != nil {
		fmt.Fprintf(w, "  codeowners: %s:%d %s %s\n", c.File, c.Line, c.Pattern, list(c.Owners))
	}
}
