// Package ginkgosuite is a Ginkgo v2 suite whose spec texts the skip
// pattern must tell apart: regexp metacharacters, quotes, unicode, texts
// that end in brackets as labels are written, and texts that are
// prefixes of one another.
package ginkgosuite

import (
	"testing"

	. "github.com/onsi/ginkgo/v2"
)

func TestSuite(t *testing.T) {
	RunSpecs(t, "Quarantine (suite) *")
}

var _ = Describe("container [x] a.b*c", func() {
	It("works", func() {})
	It("works too", func() {})
	It(`has "quotes" and 'single' ones`, func() {})
	It("(x|y)^$ +? {2} \\d", func() {})
	It("über 日本 ✓", Label("slow", "ünicode"), func() {})
	It("über 日本", func() {})
	Context("[sig-node] Pods", func() {
		It("should run [Conformance] [Slow]", Label("e2e"), func() {})
		It("should run [Conformance] [Slow] too", func() {})
		It("should start", func() {})
	})
})

var _ = Describe("works", func() {
	It("container [x] a.b*c", func() {})
})
