package locate

import (
	"bytes"
	"go/ast"
	"go/parser"
	"go/token"
	"path"
	"strconv"
	"strings"
)

// A goFile is a Go source file parsed once for its declarations.
type goFile struct {
	fset  *token.FileSet
	file  *ast.File
	funcs map[string]*ast.FuncDecl // top-level functions without receiver
}

// goSource parses the whole repo file p, caching the result (nil when it
// cannot be read or parsed).
func (ix *Index) goSource(p string) *goFile {
	return ix.goParse(p, "")
}

// goFunc parses the package clause, the imports and the top-level function
// name of the repo file p, with every other declaration blanked out (lines
// kept), caching the result: a test's file need not be parsed whole.
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
	key := p + "\x00" + name
	ix.mu.Lock()
	gf, ok := ix.parsed[key]
	ix.mu.Unlock()
	if ok {
		return gf
	}
	src := ix.source(p)
	if src != nil && name != "" {
		src = ix.onlyFunc(p, src, name)
	}
	if src != nil {
		fset := token.NewFileSet()
		f, err := parser.ParseFile(fset, p, src, parser.SkipObjectResolution)
		if err == nil {
			gf = &goFile{fset: fset, file: f, funcs: make(map[string]*ast.FuncDecl)}
			for _, d := range f.Decls {
				if fd, ok := d.(*ast.FuncDecl); ok && fd.Recv == nil {
					gf.funcs[fd.Name.Name] = fd
				}
			}
		}
	}
	ix.mu.Lock()
	ix.parsed[key] = gf
	ix.mu.Unlock()
	return gf
}

// funcOffset returns the offset of the top-level `func name(` (or a
// generic `func name[`) in gofmt-ed Go source, or -1.
func funcOffset(src []byte, name string) int {
	needle := "func " + name
	for from := 0; from < len(src); {
		i := bytes.Index(src[from:], []byte(needle))
		if i < 0 {
			return -1
		}
		i += from
		end := i + len(needle)
		if (i == 0 || src[i-1] == '\n') && end < len(src) && (src[end] == '(' || src[end] == '[') {
			return i
		}
		from = end
	}
	return -1
}

// onlyFunc returns the source of a file that keeps the package clause,
// the imports and the function name, with blank lines in place of
// everything else (so that lines do not move), or nil when src does not
// declare it.
func (ix *Index) onlyFunc(p string, src []byte, name string) []byte {
	start := funcOffset(src, name)
	if start < 0 {
		return nil
	}
	head := ix.headerEnd(p, src)
	if head > start {
		return src
	}
	end := len(src)
	if i := bytes.Index(src[start:], []byte("\n}")); i >= 0 {
		end = start + i + 2
	}
	out := make([]byte, 0, head+(end-start)+bytes.Count(src[head:start], []byte("\n")))
	out = append(out, src[:head]...)
	for range bytes.Count(src[head:start], []byte("\n")) {
		out = append(out, '\n')
	}
	// Keep the function's column: it starts a line.
	return append(out, src[start:end]...)
}

// headerEnd returns the offset where the package clause and imports of a
// Go file end, cached per file.
func (ix *Index) headerEnd(p string, src []byte) int {
	ix.mu.Lock()
	head, ok := ix.heads[p]
	ix.mu.Unlock()
	if ok {
		return head
	}
	if f, err := parser.ParseFile(token.NewFileSet(), "", src, parser.ImportsOnly|parser.SkipObjectResolution); err == nil {
		head = int(f.Name.End()) - 1
		for _, d := range f.Decls {
			head = max(head, int(d.End())-1)
		}
	}
	ix.mu.Lock()
	ix.heads[p] = head
	ix.mu.Unlock()
	return head
}

func (gf *goFile) line(pos token.Pos) int { return gf.fset.Position(pos).Line }

// goTestDecl finds a go test's declaration: `func TestX(` and, for
// "TestX/sub_name", the `t.Run(` of each subtest level. It returns the file,
// the line and the function whose calls are the test's own.
func (ix *Index) goTestDecl(dir, name string) (*goFile, string, int, ast.Node) {
	top, sub, _ := strings.Cut(name, "/")
	for _, p := range ix.filesIn(dir, "_test.go") {
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
	for _, p := range ix.filesIn(dir, ".go") {
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

// maxReferences bounds the references of one finding (SPEC: at most 20).
const maxReferences = 20

// goReferences lists the in-repo functions that body (in the Go file p)
// calls, one level deep: pkg.F of imported repo packages, F of the same
// package and of dot-imported repo packages. Method calls need type
// information and are skipped.
func (ix *Index) goReferences(gf *goFile, p string, body ast.Node) []Reference {
	if gf == nil || body == nil {
		return nil
	}
	imports := make(map[string]string) // local name -> repo package dir
	var dotDirs []string
	for _, im := range gf.file.Imports {
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
			dotDirs = append(dotDirs, dir)
			continue
		}
		imports[name] = dir
	}
	own := pathDir(p)
	var refs []Reference
	seen := make(map[string]bool)
	add := func(symbol, fn string, dirs ...string) {
		if seen[symbol] || len(refs) >= maxReferences {
			return
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
			if x, ok := fn.X.(*ast.Ident); ok {
				if dir, ok := imports[x.Name]; ok {
					add(x.Name+"."+fn.Sel.Name, fn.Sel.Name, dir)
				}
			}
		case *ast.Ident:
			add(fn.Name, fn.Name, append([]string{own}, dotDirs...)...)
		}
		return true
	})
	return refs
}

// funcFile returns the Go file of dir declaring the top-level function fn,
// preferring non-test files.
func (ix *Index) funcFile(dir, fn string) string {
	var inTest string
	for _, f := range ix.filesIn(dir, ".go") {
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
