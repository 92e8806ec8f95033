package logs

import (
	"bytes"
	"strings"
	"unicode"
)

// An Object is a Kubernetes object a log entry names in a structured
// field: klog's KObj pairs (Machine="ns/name" in text, {"name":..,
// "namespace":..} in JSON), a namespace="x" or pod="ns/name" pair,
// controller-runtime's "object" and "namespace"/"name" fields.
type Object struct {
	// Kind is the field's key as logged ("Machine", "namespace", "pod").
	Kind      string
	Namespace string
	Name      string
}

// String is "Kind ns/name", "Kind name" or, for a namespace, "namespace x".
func (o Object) String() string {
	if o.Namespace == "" {
		return o.Kind + " " + o.Name
	}
	return o.Kind + " " + o.Namespace + "/" + o.Name
}

// maxObjects bounds the objects kept per entry and per group.
const maxObjects = 16

// objectKeys are the lower-case keys that name an object; any key starting
// with an upper-case letter does too, as klog and controller-runtime key
// an object by its Kind ("Cluster", "KubeadmControlPlane").
var objectKeys = map[string]bool{
	"namespace": true, "ns": true, "pod": true, "node": true, "machine": true, "cluster": true,
	"object": true, "obj": true, "name": true, "machineset": true, "machinedeployment": true,
	"machinepool": true, "controlplane": true, "secret": true, "configmap": true, "service": true,
}

// isObjectKey reports whether a structured field's key names an object.
func isObjectKey(key string) bool {
	if key == "" {
		return false
	}
	if c := key[0]; 'A' <= c && c <= 'Z' {
		return true
	}
	return objectKeys[key]
}

// objectFromString reads "ns/name" or "name" as logged for key; ok is
// false when the value is no Kubernetes name (DNS-1123 labels and
// subdomains: lower-case letters, digits, '-' and '.').
func objectFromString(key, v string) (Object, bool) {
	ns, name, found := strings.Cut(v, "/")
	if !found {
		ns, name = "", v
	}
	if !isName(name) || found && !isName(ns) {
		return Object{}, false
	}
	if key == "namespace" || key == "ns" {
		if found {
			return Object{}, false
		}
		return Object{Kind: "namespace", Name: name}, true
	}
	return Object{Kind: key, Namespace: ns, Name: name}, true
}

// objectFromBytes is objectFromString for a value still in the line's
// bytes: it allocates only for a value that is an object.
func objectFromBytes(key string, v []byte) (Object, bool) {
	ns, name, found := bytes.Cut(v, []byte{'/'})
	if !found {
		ns, name = nil, v
	}
	if !isNameBytes(name) || found && !isNameBytes(ns) {
		return Object{}, false
	}
	return objectFromString(key, string(v))
}

func isNameBytes(b []byte) bool {
	if len(b) == 0 || len(b) > 253 {
		return false
	}
	for _, c := range b {
		if !('a' <= c && c <= 'z' || '0' <= c && c <= '9' || c == '-' || c == '.') {
			return false
		}
	}
	return isAlnum(b[0]) && isAlnum(b[len(b)-1])
}

// isName reports whether s is a Kubernetes object name.
func isName(s string) bool {
	if s == "" || len(s) > 253 {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !('a' <= c && c <= 'z' || '0' <= c && c <= '9' || c == '-' || c == '.') {
			return false
		}
	}
	return isAlnum(s[0]) && isAlnum(s[len(s)-1])
}

func isAlnum(c byte) bool { return 'a' <= c && c <= 'z' || '0' <= c && c <= '9' }

// addObject appends o unless it is there already or the list is full.
func addObject(list []Object, o Object) []Object {
	if len(list) >= maxObjects {
		return list
	}
	for _, x := range list {
		if x == o {
			return list
		}
	}
	return append(list, o)
}

// jsonObject reads a structured field of a JSON line: a string as
// objectFromString does, or klog's {"name":..,"namespace":..}.
func jsonObject(key string, val []byte) (Object, bool) {
	if len(val) == 0 {
		return Object{}, false
	}
	if val[0] == '"' {
		s, ok := jsonString(val)
		if !ok {
			return Object{}, false
		}
		return objectFromString(key, s)
	}
	if val[0] != '{' {
		return Object{}, false
	}
	var ns, name string
	_ = scanObject(val, func(k, v []byte) bool {
		switch string(k) {
		case "name":
			name, _ = jsonString(v)
		case "namespace":
			ns, _ = jsonString(v)
		}
		return true
	})
	if !isName(name) || ns != "" && !isName(ns) {
		return Object{}, false
	}
	return Object{Kind: key, Namespace: ns, Name: name}, true
}

// genericNames are namespaces every cluster has: a test and a log line
// both naming one share nothing of their own.
var genericNames = map[string]bool{
	"default": true, "kube-system": true, "kube-public": true, "kube-node-lease": true,
}

// tokens are the words of a test's output that could be object names:
// runs of letters, digits, '-', '.' and '_', lower-cased, without the
// dots that end a sentence.
func tokens(text string) map[string]bool {
	out := map[string]bool{}
	for _, w := range strings.FieldsFunc(text, func(r rune) bool {
		return !(r == '-' || r == '.' || r == '_' || r < 0x80 && (unicode.IsLetter(r) || unicode.IsDigit(r)))
	}) {
		w = strings.Trim(w, ".-_")
		if len(w) >= 3 {
			out[strings.ToLower(w)] = true
		}
	}
	return out
}

// distinctive reports whether a name can be evidence: not a namespace every
// cluster has, not a bare number.
func distinctive(name string) bool {
	if len(name) < 3 || genericNames[name] {
		return false
	}
	return strings.ContainsFunc(name, func(r rune) bool { return 'a' <= r && r <= 'z' })
}
