// Package gopkg holds Go tests whose names the skip pattern must tell
// apart: prefixes of one another, unicode, and subtests with regexp
// metacharacters and quotes. Each test only logs that it ran.
package gopkg

import "testing"

func TestA(t *testing.T) {
	for _, name := range []string{`a.b*c[1]`, `"quoted" 'single'`, `(x|y)^$`} {
		t.Run(name, func(t *testing.T) { t.Log("ran") })
	}
}

func TestAB(t *testing.T)      { t.Log("ran") }
func TestA_b(t *testing.T)     { t.Log("ran") }
func TestÜber(t *testing.T)    { t.Log("ran") }
func TestÜberAll(t *testing.T) { t.Log("ran") }
func Test日本(t *testing.T) {
	t.Run(`"引用" [x]`, func(t *testing.T) { t.Log("ran") })
}
func TestXA(t *testing.T) { t.Log("ran") }
