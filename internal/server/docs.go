package server

import (
	_ "embed"
	"html/template"
	"io"
	"slices"
	"sort"
	"strings"

	"github.com/danielgtaylor/huma/v2"
)

// The API reference is rendered on the server from the live OpenAPI
// document: no JavaScript and no assets from a CDN, so it works on an
// air-gapped network, and it can never disagree with /openapi.json.

//go:embed docs.html.tmpl
var docsTemplateText string

var docsTemplate = template.Must(template.New("docs").Funcs(template.FuncMap{
	"lower": strings.ToLower,
}).Parse(docsTemplateText))

type docsPage struct {
	Title       string
	Version     string
	Description string
	Tags        []docsTag
	Schemas     []docsSchema
}

type docsTag struct {
	Name       string
	Operations []docsOperation
}

type docsOperation struct {
	ID, Method, Path, Summary, Description string
	Authenticated                          bool
	Params                                 []docsField
	Body                                   string
	Responses                              []docsResponse
}

type docsResponse struct {
	Code, Description, Schema string
}

type docsField struct {
	Name, In, Type, Description string
	Required                    bool
}

type docsSchema struct {
	Name   string
	Fields []docsField
}

func renderDocs(w io.Writer, oapi *huma.OpenAPI) error {
	page := docsPage{Title: oapi.Info.Title, Version: oapi.Info.Version, Description: oapi.Info.Description}
	byTag := map[string][]docsOperation{}
	for path, item := range oapi.Paths {
		for _, op := range []*huma.Operation{item.Get, item.Post, item.Put, item.Patch, item.Delete} {
			if op == nil {
				continue
			}
			tag := "Other"
			if len(op.Tags) > 0 {
				tag = op.Tags[0]
			}
			byTag[tag] = append(byTag[tag], docsOperationOf(path, op))
		}
	}
	for name, ops := range byTag {
		sort.Slice(ops, func(i, j int) bool {
			if ops[i].Path != ops[j].Path {
				return ops[i].Path < ops[j].Path
			}
			return methodOrder(ops[i].Method) < methodOrder(ops[j].Method)
		})
		page.Tags = append(page.Tags, docsTag{Name: name, Operations: ops})
	}
	sort.Slice(page.Tags, func(i, j int) bool { return page.Tags[i].Name < page.Tags[j].Name })

	if oapi.Components != nil && oapi.Components.Schemas != nil {
		schemas := oapi.Components.Schemas.Map()
		names := make([]string, 0, len(schemas))
		for n := range schemas {
			names = append(names, n)
		}
		sort.Strings(names)
		for _, n := range names {
			page.Schemas = append(page.Schemas, docsSchema{Name: n, Fields: fieldsOf(schemas[n])})
		}
	}
	return docsTemplate.Execute(w, page)
}

func docsOperationOf(path string, op *huma.Operation) docsOperation {
	d := docsOperation{
		ID: op.OperationID, Method: op.Method, Path: path,
		Summary: op.Summary, Description: op.Description,
		Authenticated: len(op.Security) > 0,
	}
	for _, p := range op.Parameters {
		d.Params = append(d.Params, docsField{Name: p.Name, In: p.In, Type: typeOf(p.Schema), Description: p.Description, Required: p.Required})
	}
	if op.RequestBody != nil {
		for ct, mt := range op.RequestBody.Content {
			d.Body = ct + ": " + typeOf(mt.Schema)
		}
	}
	codes := make([]string, 0, len(op.Responses))
	for c := range op.Responses {
		codes = append(codes, c)
	}
	sort.Strings(codes)
	for _, c := range codes {
		r := op.Responses[c]
		schema := ""
		for ct, mt := range r.Content {
			schema = ct
			if t := typeOf(mt.Schema); t != "" {
				schema += ": " + t
			}
		}
		d.Responses = append(d.Responses, docsResponse{Code: c, Description: r.Description, Schema: schema})
	}
	return d
}

func fieldsOf(s *huma.Schema) []docsField {
	if s == nil {
		return nil
	}
	names := make([]string, 0, len(s.Properties))
	for n := range s.Properties {
		if n != "$schema" {
			names = append(names, n)
		}
	}
	sort.Strings(names)
	out := make([]docsField, 0, len(names))
	for _, n := range names {
		p := s.Properties[n]
		out = append(out, docsField{Name: n, Type: typeOf(p), Description: p.Description, Required: slices.Contains(s.Required, n)})
	}
	return out
}

// typeOf names a schema briefly: a referenced schema by its name, an array
// by its items, a scalar by its type and format.
func typeOf(s *huma.Schema) string {
	if s == nil {
		return ""
	}
	if s.Ref != "" {
		return s.Ref[strings.LastIndex(s.Ref, "/")+1:]
	}
	if s.Type == "array" {
		return "[]" + typeOf(s.Items)
	}
	t := s.Type
	if s.Format != "" {
		t += " (" + s.Format + ")"
	}
	if len(s.Enum) > 0 {
		vals := make([]string, len(s.Enum))
		for i, v := range s.Enum {
			vals[i], _ = v.(string)
		}
		t += ": " + strings.Join(vals, " | ")
	}
	return t
}

func methodOrder(m string) int {
	return slices.Index([]string{"GET", "POST", "PUT", "PATCH", "DELETE"}, m)
}
