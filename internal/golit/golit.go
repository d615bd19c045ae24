// Package golit writes a Go value as Go source: the expression that builds
// it again. content uses it to turn its YAML into Go at `go generate`
// time, so the program does not parse YAML on its way to the first frame.
//
// It handles what data decoded from YAML holds: structs (exported fields;
// a non-zero unexported field is an error, it could not be written back),
// pointers, slices, maps (keys sorted), strings, booleans and numbers,
// named or not. A nil slice stays nil and an empty one stays empty.
package golit

import (
	"fmt"
	"reflect"
	"slices"
	"strconv"
	"strings"
)

// Writer writes expressions and remembers the packages their types name.
type Writer struct {
	imports map[string]bool
}

// Imports are the import paths the written expressions need, sorted.
func (w *Writer) Imports() []string {
	var out []string
	for p := range w.imports {
		out = append(out, p)
	}
	slices.Sort(out)
	return out
}

// Expr is v as a Go expression, with indent before every nested line.
func (w *Writer) Expr(v any, indent string) (string, error) {
	var b strings.Builder
	if err := w.write(&b, reflect.ValueOf(v), indent, "value"); err != nil {
		return "", err
	}
	return b.String(), nil
}

func (w *Writer) typeName(t reflect.Type) string {
	if t.Name() != "" {
		if p := t.PkgPath(); p != "" {
			if w.imports == nil {
				w.imports = map[string]bool{}
			}
			w.imports[p] = true
		}
		return t.String() // qualified by the package's name: checks.Profile
	}
	switch t.Kind() {
	case reflect.Pointer:
		return "*" + w.typeName(t.Elem())
	case reflect.Slice:
		return "[]" + w.typeName(t.Elem())
	case reflect.Map:
		return "map[" + w.typeName(t.Key()) + "]" + w.typeName(t.Elem())
	}
	return t.String()
}

func (w *Writer) write(b *strings.Builder, v reflect.Value, indent, path string) error {
	t := v.Type()
	switch t.Kind() {
	case reflect.Pointer:
		if v.IsNil() {
			b.WriteString("nil")
			return nil
		}
		b.WriteString("&")
		if t.Elem().Kind() != reflect.Struct {
			return fmt.Errorf("%s: a pointer to a %s cannot be written as a literal", path, t.Elem().Kind())
		}
		return w.write(b, v.Elem(), indent, path)
	case reflect.Struct:
		b.WriteString(w.typeName(t) + "{")
		wrote := false
		for i := 0; i < t.NumField(); i++ {
			f, fv := t.Field(i), v.Field(i)
			if fv.IsZero() {
				continue
			}
			if !f.IsExported() {
				return fmt.Errorf("%s.%s: unexported field is set", path, f.Name)
			}
			b.WriteString("\n" + indent + "\t" + f.Name + ": ")
			if err := w.write(b, fv, indent+"\t", path+"."+f.Name); err != nil {
				return err
			}
			b.WriteString(",")
			wrote = true
		}
		if wrote {
			b.WriteString("\n" + indent)
		}
		b.WriteString("}")
	case reflect.Slice:
		if v.IsNil() {
			b.WriteString("nil")
			return nil
		}
		b.WriteString(w.typeName(t) + "{")
		for i := 0; i < v.Len(); i++ {
			b.WriteString("\n" + indent + "\t")
			if err := w.write(b, v.Index(i), indent+"\t", fmt.Sprintf("%s[%d]", path, i)); err != nil {
				return err
			}
			b.WriteString(",")
		}
		if v.Len() > 0 {
			b.WriteString("\n" + indent)
		}
		b.WriteString("}")
	case reflect.Map:
		if v.IsNil() {
			b.WriteString("nil")
			return nil
		}
		keys := v.MapKeys()
		var werr error
		slices.SortFunc(keys, func(a, c reflect.Value) int {
			ka, err1 := w.scalar(a, path)
			kc, err2 := w.scalar(c, path)
			if err1 != nil || err2 != nil {
				werr = fmt.Errorf("%s: map key: %v %v", path, err1, err2)
			}
			return strings.Compare(ka, kc)
		})
		if werr != nil {
			return werr
		}
		b.WriteString(w.typeName(t) + "{")
		for _, k := range keys {
			ks, _ := w.scalar(k, path)
			b.WriteString("\n" + indent + "\t" + ks + ": ")
			if err := w.write(b, v.MapIndex(k), indent+"\t", path+"["+ks+"]"); err != nil {
				return err
			}
			b.WriteString(",")
		}
		if len(keys) > 0 {
			b.WriteString("\n" + indent)
		}
		b.WriteString("}")
	default:
		s, err := w.scalar(v, path)
		if err != nil {
			return err
		}
		b.WriteString(s)
	}
	return nil
}

// scalar writes a string, boolean or number; a named type is converted to.
func (w *Writer) scalar(v reflect.Value, path string) (string, error) {
	var s string
	switch v.Kind() {
	case reflect.String:
		s = strconv.Quote(v.String())
	case reflect.Bool:
		s = strconv.FormatBool(v.Bool())
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		s = strconv.FormatInt(v.Int(), 10)
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		s = strconv.FormatUint(v.Uint(), 10)
	case reflect.Float32, reflect.Float64:
		s = strconv.FormatFloat(v.Float(), 'g', -1, 64)
	default:
		return "", fmt.Errorf("%s: a %s cannot be written as a literal", path, v.Kind())
	}
	if t := v.Type(); t.Name() != "" && t.PkgPath() != "" {
		s = w.typeName(t) + "(" + s + ")"
	}
	return s, nil
}
