package cli

import (
	"fmt"
	"strconv"
)

// parseGrouping reads the grouping inputs, group-subtests and
// infra-threshold, with value giving a flag or else its action input.
func (o *Options) parseGrouping(value func(string) string) []string {
	var errs []string
	if v := value("group-subtests"); v != "" {
		b, err := strconv.ParseBool(v)
		if err != nil {
			errs = append(errs, fmt.Sprintf("group-subtests must be true or false, got %q", v))
		}
		o.GroupSubtests = &b
	}
	if v := value("infra-threshold"); v != "" {
		f, err := strconv.ParseFloat(v, 64)
		if err != nil || f < 0 || f > 1 {
			errs = append(errs, fmt.Sprintf("infra-threshold must be a number between 0 and 1 (0 turns it off), got %q", v))
		}
		o.InfraThreshold = &f
	}
	return errs
}
