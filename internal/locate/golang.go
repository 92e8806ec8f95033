package locate

import (
	"bytes"
	"go/ast"
	"go/parser"
	"go/token"
	"path"
	"slices"
	"strconv"
	"strings"
)

// A goFile is a Go source file, or one top-level function of it, parsed
// once for its declarations.
type goFile struct {
	path string
	fset *token.FileSet
	// file is the parsed source: the whole file, or a file holding only
	// the function (see goFunc).
	file *ast.File
	// lineDelta is what file's line numbers lack to be the repo file's.
	lineDelta int
	funcs     map[string]*ast.FuncDecl // top-level functions without receiver
}

// A goHead is what the imports of a Go file tell.
type goHead struct {
	imports map[string]string // local name -> repo directory of the imported repo packages
	dotDirs []string          // the repo directories of dot-imported packages
}

// A parseKey names a parsed Go file: the whole of path (name == "") or
// its top-level function name.
type parseKey struct{ path, name string }

// goSource parses the whole repo file p, caching the result (nil when it
// cannot be read or parsed).
func (ix *Index) goSource(p string) *goFile {
	return ix.goParse(p, "")
}

// goFunc parses the top-level function name of the repo file p, caching
// the result: a test's file need not be parsed whole.
func (ix *Index) goFunc(p, name string) (*goFile, *ast.FuncDecl) {
	gf := ix.goParse(p, name)
	if gf == nil {
		return nil, nil
	}
	fd, ok := gf.funcs[name]
	if !ok {
		return nil, nil
	}
	return gf, fd
}

func (ix *Index) goParse(p, name string) *goFile {
	key := parseKey{p, name}
	ix.mu.Lock()
	gf, ok := ix.parsed[key]
	ix.mu.Unlock()
	if ok {
		return gf
	}
	if src := ix.source(p); src != nil {
		if name == "" {
			gf = parseGo(p, src, 0)
		} else if start := funcOffset(src, name); start >= 0 {
			gf = parseFunc(p, src, start)
			if gf == nil || gf.funcs[name] == nil {
				// "func name(" started a line of a comment or a string.
				gf = ix.goSource(p)
			}
		}
	}
	ix.mu.Lock()
	ix.parsed[key] = gf
	ix.mu.Unlock()
	return gf
}

// parseFunc parses the top-level function that starts at offset start of
// src (the repo file p) alone, as the file "package p\n" + the function,
// its lines shifted to those of the repo file.
func parseFunc(p string, src []byte, start int) *goFile {
	end := len(src)
	if i := bytes.Index(src[start:], []byte("\n}")); i >= 0 {
		end = start + i + 2
	}
	const clause = "package p\n"
	only := make([]byte, 0, len(clause)+end-start)
	only = append(append(only, clause...), src[start:end]...)
	return parseGo(p, only, bytes.Count(src[:start], []byte("\n"))-1)
}

// parseGo parses the Go source src of the repo file p, whose lines are
// lineDelta lines before the repo file's (nil when it does not parse).
func parseGo(p string, src []byte, lineDelta int) *goFile {
	fset := token.NewFileSet()
	f, err := parser.ParseFile(fset, p, src, parser.SkipObjectResolution)
	if err != nil {
		return nil
	}
	gf := &goFile{path: p, fset: fset, file: f, lineDelta: lineDelta, funcs: make(map[string]*ast.FuncDecl)}
	for _, d := range f.Decls {
		if fd, ok := d.(*ast.FuncDecl); ok && fd.Recv == nil {
			gf.funcs[fd.Name.Name] = fd
		}
	}
	return gf
}

// funcOffset returns the offset of the top-level `func name(` (or a
// generic `func name[`) in gofmt-ed Go source, or -1.
func funcOffset(src []byte, name string) int {
	for from := 0; from < len(src); {
		i := bytes.Index(src[from:], []byte("func "))
		if i < 0 {
			return -1
		}
		i += from
		end := i + len("func ") + len(name)
		if (i == 0 || src[i-1] == '\n') && end < len(src) && string(src[i+len("func "):end]) == name && (src[end] == '(' || src[end] == '[') {
			return i
		}
		from = i + len("func ")
	}
	return -1
}

// goHeader parses the imports of the repo file p when a reference needs
// them, cached per file (nil when they do not parse).
func (ix *Index) goHeader(p string) *goHead {
	ix.mu.Lock()
	head, ok := ix.heads[p]
	ix.mu.Unlock()
	if ok {
		return head
	}
	if src := ix.source(p); src != nil {
		if f, err := parser.ParseFile(token.NewFileSet(), "", src, parser.ImportsOnly|parser.SkipObjectResolution); err == nil {
			head = ix.resolveImports(f.Imports)
		}
	}
	ix.mu.Lock()
	ix.heads[p] = head
	ix.mu.Unlock()
	return head
}

// resolveImports maps the imports of a Go file that are packages of the
// repository onto their directories.
func (ix *Index) resolveImports(specs []*ast.ImportSpec) *goHead {
	head := &goHead{imports: make(map[string]string)}
	for _, im := range specs {
		ipath, err := strconv.Unquote(im.Path.Value)
		if err != nil {
			continue
		}
		dir, ok := ix.packageDir(ipath)
		if !ok {
			continue
		}
		name := path.Base(ipath)
		if im.Name != nil {
			name = im.Name.Name
		}
		if name == "." {
			head.dotDirs = append(head.dotDirs, dir)
			continue
		}
		head.imports[name] = dir
	}
	return head
}

func (gf *goFile) line(pos token.Pos) int { return gf.fset.Position(pos).Line + gf.lineDelta }

// A goTest is where a go test is declared and what its function calls.
type goTest struct {
	path string // "" when not found
	line int
	refs []Reference
}

// goTest finds the go test name of the package in the repo directory dir,
// memoised: a test that failed in several reports or jobs is looked up
// once.
func (ix *Index) goTest(dir, name string) goTest {
	key := parseKey{dir, name}
	ix.mu.Lock()
	gt, ok := ix.tests[key]
	ix.mu.Unlock()
	if ok {
		return gt
	}
	if gf, p, n, body := ix.goTestDecl(dir, name); p != "" {
		gt = goTest{path: p, line: n, refs: ix.goReferences(gf, p, body)}
	}
	ix.mu.Lock()
	if len(ix.tests) < normCacheMax {
		ix.tests[key] = gt
	}
	ix.mu.Unlock()
	return gt
}

// goTestDecl finds a go test's declaration: `func TestX(` and, for
// "TestX/sub_name", the `t.Run(` of each subtest level. It returns the file,
// the line and the function whose calls are the test's own.
func (ix *Index) goTestDecl(dir, name string) (*goFile, string, int, ast.Node) {
	top, sub, _ := strings.Cut(name, "/")
	for p := range ix.filesIn(dir, "_test.go") {
		if funcOffset(ix.source(p), top) < 0 {
			continue
		}
		gf, fd := ix.goFunc(p, top)
		if fd == nil {
			continue
		}
		line, body := gf.line(fd.Pos()), ast.Node(fd)
		var fnBody *ast.BlockStmt = fd.Body
		for sub != "" && fnBody != nil {
			var part string
			part, sub, _ = strings.Cut(sub, "/")
			call, lit := findRun(fnBody, part)
			if call == nil {
				// The subtest's name is computed; the parent is as close as we get.
				break
			}
			line, body = gf.line(call.Pos()), call
			fnBody = nil
			if lit != nil {
				body, fnBody = lit, lit.Body
			}
		}
		return gf, p, line, body
	}
	return nil, "", 0, nil
}

// findRun finds the `x.Run("name", ...)` call in body whose name, as go
// test rewrites it (spaces become underscores), is part.
func findRun(body *ast.BlockStmt, part string) (*ast.CallExpr, *ast.FuncLit) {
	var call *ast.CallExpr
	var lit *ast.FuncLit
	ast.Inspect(body, func(n ast.Node) bool {
		if call != nil {
			return false
		}
		c, ok := n.(*ast.CallExpr)
		if !ok || len(c.Args) < 2 {
			return true
		}
		sel, ok := c.Fun.(*ast.SelectorExpr)
		if !ok || sel.Sel.Name != "Run" {
			return true
		}
		s, ok := stringLit(c.Args[0])
		if !ok || rewriteSubtest(s) != part {
			return true
		}
		call = c
		lit, _ = c.Args[len(c.Args)-1].(*ast.FuncLit)
		return false
	})
	return call, lit
}

// rewriteSubtest applies go test's subtest name rewriting: spaces become
// underscores and non-printable runes are escaped.
func rewriteSubtest(s string) string {
	var b strings.Builder
	for _, r := range s {
		switch {
		case r == ' ' || r == '\t' || r == '\n':
			b.WriteByte('_')
		case !strconv.IsPrint(r):
			s := strconv.QuoteRune(r)
			b.WriteString(s[1 : len(s)-1])
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}

func stringLit(e ast.Expr) (string, bool) {
	bl, ok := e.(*ast.BasicLit)
	if !ok || bl.Kind != token.STRING {
		return "", false
	}
	s, err := strconv.Unquote(bl.Value)
	return s, err == nil
}

// ginkgoLeaves are the Ginkgo nodes that declare a spec.
var ginkgoLeaves = map[string]bool{
	"It": true, "FIt": true, "PIt": true, "XIt": true,
	"Specify": true, "FSpecify": true, "PSpecify": true, "XSpecify": true,
	"Entry": true, "FEntry": true, "PEntry": true, "XEntry": true,
}

// ginkgoSpecBody returns the function literal of the Ginkgo leaf node
// (It, Specify, Entry) called at line of the Go file p.
func (ix *Index) ginkgoSpecBody(p string, line int) ast.Node {
	gf := ix.goSource(p)
	if gf == nil {
		return nil
	}
	var found ast.Node
	ast.Inspect(gf.file, func(n ast.Node) bool {
		if found != nil {
			return false
		}
		c, ok := n.(*ast.CallExpr)
		if !ok || gf.line(c.Pos()) != line {
			return true
		}
		name := ""
		switch fn := c.Fun.(type) {
		case *ast.Ident:
			name = fn.Name
		case *ast.SelectorExpr:
			name = fn.Sel.Name
		}
		if !ginkgoLeaves[name] {
			return true
		}
		for i := len(c.Args) - 1; i >= 0; i-- {
			if lit, ok := c.Args[i].(*ast.FuncLit); ok {
				found = lit
				return false
			}
		}
		found = c
		return false
	})
	return found
}

// ginkgoSpecByText finds the leaf node of the package in dir whose text
// ends the Ginkgo test name (containers, then spec text), for reports that
// lack the "> Enter [It]" lines.
func (ix *Index) ginkgoSpecByText(dir, name string) (string, int, bool) {
	name = strings.TrimSpace(stripLabels(strings.TrimPrefix(name, "[It] ")))
	var bestPath string
	var bestLine, bestLen, count int
	for p := range ix.filesIn(dir, ".go") {
		gf := ix.goSource(p)
		if gf == nil {
			continue
		}
		ast.Inspect(gf.file, func(n ast.Node) bool {
			c, ok := n.(*ast.CallExpr)
			if !ok || len(c.Args) == 0 {
				return true
			}
			id, ok := c.Fun.(*ast.Ident)
			if !ok || !ginkgoLeaves[id.Name] {
				return true
			}
			s, ok := stringLit(c.Args[0])
			if !ok || s == "" || !(name == s || strings.HasSuffix(name, " "+s)) {
				return true
			}
			switch {
			case len(s) > bestLen:
				bestPath, bestLine, bestLen, count = p, gf.line(c.Pos()), len(s), 1
			case len(s) == bestLen:
				count++
			}
			return true
		})
	}
	return bestPath, bestLine, count == 1
}

// stripLabels drops Ginkgo's trailing " [label, ...]".
func stripLabels(name string) string {
	name = strings.TrimSpace(name)
	if strings.HasSuffix(name, "]") {
		if i := strings.LastIndex(name, " ["); i >= 0 {
			return name[:i]
		}
	}
	return name
}

// maxReferences bounds the references of one finding (docs/json.md: at most 20).
const maxReferences = 20

// goReferences lists the in-repo functions that body (in the Go file p)
// calls, one level deep: pkg.F of imported repo packages, F of the same
// package and of dot-imported repo packages. Method calls need type
// information and are skipped.
func (ix *Index) goReferences(gf *goFile, p string, body ast.Node) []Reference {
	if gf == nil || body == nil {
		return nil
	}
	// The imports are parsed only when a call may need them.
	var head *goHead
	imports := func() *goHead {
		if head == nil {
			if head = ix.goHeader(p); head == nil {
				head = &goHead{}
			}
		}
		return head
	}
	// A parameter of the test's function shadows any package of that
	// name: t.Run and t.Fatal call no package.
	var params []string
	var ft *ast.FuncType
	switch b := body.(type) {
	case *ast.FuncDecl:
		ft = b.Type
		if b.Recv != nil {
			params = addNames(params, b.Recv)
		}
	case *ast.FuncLit:
		ft = b.Type
	}
	if ft != nil {
		params = addNames(params, ft.Params)
	}
	own := pathDir(p)
	var refs []Reference
	var seen map[string]bool
	add := func(symbol, fn string, dirs ...string) {
		if seen[symbol] || len(refs) >= maxReferences {
			return
		}
		if seen == nil {
			seen = make(map[string]bool)
		}
		seen[symbol] = true
		for _, dir := range dirs {
			if f := ix.funcFile(dir, fn); f != "" {
				refs = append(refs, Reference{Path: f, Symbol: symbol})
				return
			}
		}
	}
	ast.Inspect(body, func(n ast.Node) bool {
		if len(refs) >= maxReferences {
			return false
		}
		c, ok := n.(*ast.CallExpr)
		if !ok {
			return true
		}
		switch fn := c.Fun.(type) {
		case *ast.SelectorExpr:
			if x, ok := fn.X.(*ast.Ident); ok && !slices.Contains(params, x.Name) {
				if dir, ok := imports().imports[x.Name]; ok {
					add(x.Name+"."+fn.Sel.Name, fn.Sel.Name, dir)
				}
			}
		case *ast.Ident:
			if seen[fn.Name] {
				break
			}
			if seen == nil {
				seen = make(map[string]bool)
			}
			seen[fn.Name] = true
			f := ix.funcFile(own, fn.Name)
			if f == "" && token.IsExported(fn.Name) {
				// A dot import brings the exported names of its package only.
				for _, dir := range imports().dotDirs {
					if f = ix.funcFile(dir, fn.Name); f != "" {
						break
					}
				}
			}
			if f != "" {
				refs = append(refs, Reference{Path: f, Symbol: fn.Name})
			}
		}
		return true
	})
	return refs
}

// addNames appends the names declared by a field list.
func addNames(names []string, fl *ast.FieldList) []string {
	if fl == nil {
		return names
	}
	for _, f := range fl.List {
		for _, n := range f.Names {
			names = append(names, n.Name)
		}
	}
	return names
}

// funcFile returns the Go file of dir declaring the top-level function fn,
// preferring non-test files.
func (ix *Index) funcFile(dir, fn string) string {
	var inTest string
	for f := range ix.filesIn(dir, ".go") {
		if funcOffset(ix.source(f), fn) < 0 {
			continue
		}
		if !strings.HasSuffix(f, "_test.go") {
			return f
		}
		if inTest == "" {
			inTest = f
		}
	}
	return inTest
}
