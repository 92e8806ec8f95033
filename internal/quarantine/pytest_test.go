package quarantine

import (
	"encoding/xml"
	"errors"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestPytestNodeIDsOfRealReports: pytest's xunit1 reports write each
// test's file beside its classname; for every such testcase of the report
// corpus (real reports, see ../report/testdata/corpus), the node id
// rebuilt from the classname alone names that file.
func TestPytestNodeIDsOfRealReports(t *testing.T) {
	root := filepath.Join("..", "report", "testdata", "corpus")
	checked, inherited := 0, 0
	err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(path, ".xml") {
			return err
		}
		f, err := os.Open(path)
		if err != nil {
			return err
		}
		defer f.Close()
		dec := xml.NewDecoder(f)
		for {
			tok, err := dec.Token()
			if errors.Is(err, io.EOF) || err != nil {
				return nil // corrupt reports end the walk of their file
			}
			se, ok := tok.(xml.StartElement)
			if !ok || se.Name.Local != "testcase" {
				continue
			}
			var name, classname, file string
			for _, a := range se.Attr {
				switch a.Name.Local {
				case "name":
					name = a.Value
				case "classname":
					classname = a.Value
				case "file":
					file = a.Value
				}
			}
			if !strings.HasSuffix(file, ".py") || !strings.HasPrefix(name, "test") {
				continue
			}
			id, ok := PytestNodeID(Identity{Name: name, Classname: classname})
			if !strings.Contains(classname, ".") {
				// unittest's XML runners write the class alone: no module.
				if ok {
					t.Errorf("%s: %s %s: node id %q from a classname without a module", path, classname, name, id)
				}
				continue
			}
			if !ok {
				t.Errorf("%s: %s %s: no node id", path, classname, name)
				continue
			}
			file, _, _ = strings.Cut(id, "::")
			attr := fileAttr(se)
			module := strings.ReplaceAll(strings.TrimSuffix(attr, ".py"), "/", ".")
			if !strings.Contains(classname+".", strings.TrimPrefix(module, ".")+".") && !strings.HasPrefix(attr, "/") {
				// An inherited test: the file is where the base class
				// defines it, the node id names the module that collects it.
				inherited++
				continue
			}
			// An absolute file is under the rootdir the node id is relative to.
			if !(file == attr || strings.HasPrefix(attr, "/") && strings.HasSuffix(attr, "/"+file)) {
				t.Errorf("%s: %s %s in %s: node id %q", path, classname, name, attr, id)
			}
			checked++
		}
	})
	if err != nil {
		t.Fatal(err)
	}
	if checked < 20 {
		t.Fatalf("only %d pytest testcases with a file in the corpus", checked)
	}
	t.Logf("%d pytest testcases checked, %d inherited tests left out", checked, inherited)
}

// fileAttr is a testcase's file attribute.
func fileAttr(se xml.StartElement) string {
	for _, a := range se.Attr {
		if a.Name.Local == "file" {
			return a.Value
		}
	}
	return ""
}
