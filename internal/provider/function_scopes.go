package provider

// The provider function scopes(patterns): scope patterns in, the sorted
// list of valid scopes they match out. The matching itself is
// internal/scopes.Expand, next to the one list of valid scopes.

import (
	"context"
	"fmt"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/function"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/starfish-codes/terraform-provider-hellgate/internal/scopes"
)

var _ function.Function = (*scopesFunction)(nil)

// NewScopesFunction returns the scopes provider function.
func NewScopesFunction() function.Function {
	return &scopesFunction{}
}

type scopesFunction struct{}

func (f *scopesFunction) Metadata(_ context.Context, _ function.MetadataRequest, resp *function.MetadataResponse) {
	resp.Name = "scopes"
}

func (f *scopesFunction) Definition(_ context.Context, _ function.DefinitionRequest, resp *function.DefinitionResponse) {
	resp.Definition = function.Definition{
		Summary: "Expands scope patterns into the valid scopes they match",
		MarkdownDescription: "Takes a list of scopes and scope patterns and returns the valid scopes they match, " +
			"sorted and without duplicates, ready for `scopes` of `hellgate_api_key`. " +
			"In a pattern, `*` stands for one whole segment: `\"pci:tokens:*\"` is every scope on PCI tokens, " +
			"`\"*:tokens:read\"` reads every kind of token, `\"admin:*:read\"` reads every admin object. " +
			"A pattern that matches no valid scope, or is malformed (such as `\"pci:tok*\"` or `\"\"`), is an error " +
			"that names it, so a typo fails at plan time instead of granting less than intended. " +
			"An empty list returns an empty list. Needs no provider configuration and makes no request. " +
			"Requires Terraform 1.8 or later, or OpenTofu 1.7 or later.",
		Parameters: []function.Parameter{
			function.ListParameter{
				Name:        "patterns",
				ElementType: types.StringType,
				MarkdownDescription: "Scopes and scope patterns: each three segments separated by `:`, each segment " +
					"a name (lower-case letters, digits and `-`) or `*` for any one segment. The valid scopes are " +
					scopeList() + ".",
			},
		},
		Return: function.ListReturn{ElementType: types.StringType},
	}
}

func (f *scopesFunction) Run(ctx context.Context, req function.RunRequest, resp *function.RunResponse) {
	var elems []types.String
	resp.Error = req.Arguments.Get(ctx, &elems)
	if resp.Error != nil {
		return
	}
	patterns := make([]string, 0, len(elems))
	for i, e := range elems {
		if e.IsNull() {
			resp.Error = function.NewArgumentFuncError(0, fmt.Sprintf(
				"patterns[%d] is null: every element must be a scope or a scope pattern (%s)", i, scopes.PatternSyntax))
			return
		}
		patterns = append(patterns, e.ValueString())
	}

	matched, problems := scopes.Expand(patterns)
	if len(problems) > 0 {
		resp.Error = function.NewArgumentFuncError(0, patternsErrorText(problems))
		return
	}
	if matched == nil {
		matched = []string{} // an empty list, not null
	}
	resp.Error = resp.Result.Set(ctx, matched)
}

// patternsErrorText names every bad pattern and then says what is allowed:
// the pattern syntax for a malformed one, the valid scopes for one that
// matches nothing. The CLI ends the text with a period of its own.
func patternsErrorText(problems []*scopes.PatternError) string {
	sentences := make([]string, 0, len(problems)+2)
	malformed, unmatched := false, false
	for _, p := range problems {
		sentences = append(sentences, fmt.Sprintf("patterns[%d] (%q) %s", p.Index, p.Pattern, p.Reason))
		if p.Malformed {
			malformed = true
		} else {
			unmatched = true
		}
	}
	if malformed {
		sentences = append(sentences, "Allowed: "+scopes.PatternSyntax)
	}
	if unmatched {
		sentences = append(sentences, "The valid scopes are "+strings.Join(scopes.All(), ", "))
	}
	return strings.Join(sentences, ". ")
}
