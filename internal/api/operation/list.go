package operation

import "github.com/danielgtaylor/huma/v2"

// ListParams are the pagination query parameters every list endpoint takes.
type ListParams struct {
	Limit    int    `query:"limit" minimum:"1" maximum:"1000" default:"100" doc:"Largest number of items to return"`
	Continue string `query:"continue" doc:"Token from the previous page's continue field"`
}

// List is the body of every list response.
type List[T any] struct {
	Items []T `json:"items" nullable:"false"`
	// Continue is empty on the last page.
	Continue string `json:"continue,omitempty" doc:"Pass as ?continue= to fetch the next page; absent on the last page"`
}

// InvalidContinue is the 400 for a continue token that did not come from
// the previous page.
func InvalidContinue() error {
	return huma.Error400BadRequest("invalid continue token",
		&huma.ErrorDetail{Location: "query.continue", Message: "not a token from a previous page of this list"})
}
