// Command providerschema prints the provider's schema in the JSON form of
// `terraform providers schema -json`, ephemeral resources, list resources,
// actions, resource identities and functions included, for tfplugindocs'
// --providers-schema.
//
// Terraform 1.8 predates ephemeral resources, list resources, actions and
// identities and leaves them out of its schema export; asking the provider
// itself gives every object, needs no `terraform init`, and does not depend
// on the CLI.
package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"

	"github.com/hashicorp/terraform-plugin-framework/providerserver"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"

	"github.com/starfish-codes/terraform-provider-hellgate/internal/provider"
)

func main() {
	if err := run(os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "providerschema:", err)
		os.Exit(1)
	}
}

func run(w io.Writer) error {
	server := providerserver.NewProtocol6(provider.New("docs")())()
	resp, err := server.GetProviderSchema(context.Background(), &tfprotov6.GetProviderSchemaRequest{})
	if err != nil {
		return err
	}
	identities, err := server.GetResourceIdentitySchemas(context.Background(), &tfprotov6.GetResourceIdentitySchemasRequest{})
	if err != nil {
		return err
	}
	for _, d := range append(resp.Diagnostics, identities.Diagnostics...) {
		if d.Severity == tfprotov6.DiagnosticSeverityError {
			return fmt.Errorf("%s: %s", d.Summary, d.Detail)
		}
	}
	doc := map[string]any{
		"format_version": "1.0",
		"provider_schemas": map[string]any{
			// tfplugindocs looks the provider up by its bare name.
			"hellgate": map[string]any{
				"provider":                   schema(resp.Provider),
				"resource_schemas":           schemas(resp.ResourceSchemas),
				"data_source_schemas":        schemas(resp.DataSourceSchemas),
				"ephemeral_resource_schemas": schemas(resp.EphemeralResourceSchemas),
				"functions":                  functions(resp.Functions),
				"list_resource_schemas":      schemas(resp.ListResourceSchemas),
				"action_schemas":             actionSchemas(resp.ActionSchemas),
				"resource_identity_schemas":  identitySchemas(identities.IdentitySchemas),
			},
		},
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(doc)
}

func schemas(in map[string]*tfprotov6.Schema) map[string]any {
	out := make(map[string]any, len(in))
	for name, s := range in {
		out[name] = schema(s)
	}
	return out
}

// functions exports provider functions as Terraform's jsonfunction does:
// no description kind, and a parameter's AllowNullValue as is_nullable.
func functions(in map[string]*tfprotov6.Function) map[string]any {
	if len(in) == 0 {
		return nil
	}
	out := make(map[string]any, len(in))
	for name, f := range in {
		sig := map[string]any{}
		if f.Description != "" {
			sig["description"] = f.Description
		}
		if f.Summary != "" {
			sig["summary"] = f.Summary
		}
		if f.DeprecationMessage != "" {
			sig["deprecation_message"] = f.DeprecationMessage
		}
		if f.Return != nil {
			sig["return_type"] = f.Return.Type
		}
		if len(f.Parameters) > 0 {
			params := make([]any, 0, len(f.Parameters))
			for _, p := range f.Parameters {
				params = append(params, parameter(p))
			}
			sig["parameters"] = params
		}
		if f.VariadicParameter != nil {
			sig["variadic_parameter"] = parameter(f.VariadicParameter)
		}
		out[name] = sig
	}
	return out
}

func parameter(p *tfprotov6.FunctionParameter) map[string]any {
	out := map[string]any{"type": p.Type}
	if p.Name != "" {
		out["name"] = p.Name
	}
	if p.Description != "" {
		out["description"] = p.Description
	}
	if p.AllowNullValue {
		out["is_nullable"] = true
	}
	return out
}

// actionSchemas is an action's configuration block, without a version,
// as Terraform writes it.
func actionSchemas(in map[string]*tfprotov6.ActionSchema) map[string]any {
	out := make(map[string]any, len(in))
	for name, s := range in {
		var b *tfprotov6.SchemaBlock
		if s != nil && s.Schema != nil {
			b = s.Schema.Block
		}
		out[name] = map[string]any{"block": block(b)}
	}
	return out
}

func identitySchemas(in map[string]*tfprotov6.ResourceIdentitySchema) map[string]any {
	out := make(map[string]any, len(in))
	for name, s := range in {
		attrs := map[string]any{}
		for _, a := range s.IdentityAttributes {
			m := map[string]any{"type": a.Type}
			if a.Description != "" {
				m["description"] = a.Description
			}
			if a.RequiredForImport {
				m["required_for_import"] = true
			}
			if a.OptionalForImport {
				m["optional_for_import"] = true
			}
			attrs[a.Name] = m
		}
		out[name] = map[string]any{"version": s.Version, "attributes": attrs}
	}
	return out
}

func schema(s *tfprotov6.Schema) map[string]any {
	if s == nil {
		return map[string]any{"version": 0, "block": map[string]any{}}
	}
	return map[string]any{"version": s.Version, "block": block(s.Block)}
}

func block(b *tfprotov6.SchemaBlock) map[string]any {
	out := map[string]any{}
	if b == nil {
		return out
	}
	if len(b.Attributes) > 0 {
		attrs := map[string]any{}
		for _, a := range b.Attributes {
			attrs[a.Name] = attribute(a)
		}
		out["attributes"] = attrs
	}
	if len(b.BlockTypes) > 0 {
		blocks := map[string]any{}
		for _, nb := range b.BlockTypes {
			m := map[string]any{"nesting_mode": blockNesting(nb.Nesting), "block": block(nb.Block)}
			if nb.MinItems > 0 {
				m["min_items"] = nb.MinItems
			}
			if nb.MaxItems > 0 {
				m["max_items"] = nb.MaxItems
			}
			blocks[nb.TypeName] = m
		}
		out["block_types"] = blocks
	}
	describe(out, b.Description, b.DescriptionKind, b.Deprecated)
	return out
}

func attribute(a *tfprotov6.SchemaAttribute) map[string]any {
	out := map[string]any{}
	if a.NestedType != nil {
		attrs := map[string]any{}
		for _, na := range a.NestedType.Attributes {
			attrs[na.Name] = attribute(na)
		}
		out["nested_type"] = map[string]any{"attributes": attrs, "nesting_mode": objectNesting(a.NestedType.Nesting)}
	} else {
		out["type"] = a.Type // tftypes marshal to Terraform's JSON type notation
	}
	describe(out, a.Description, a.DescriptionKind, a.Deprecated)
	for name, set := range map[string]bool{
		"required": a.Required, "optional": a.Optional, "computed": a.Computed,
		"sensitive": a.Sensitive, "write_only": a.WriteOnly,
	} {
		if set {
			out[name] = true
		}
	}
	return out
}

func describe(out map[string]any, description string, kind tfprotov6.StringKind, deprecated bool) {
	// Terraform always states the kind, with or without a description.
	out["description_kind"] = "plain"
	if kind == tfprotov6.StringKindMarkdown {
		out["description_kind"] = "markdown"
	}
	if description != "" {
		out["description"] = description
	}
	if deprecated {
		out["deprecated"] = true
	}
}

func blockNesting(m tfprotov6.SchemaNestedBlockNestingMode) string {
	switch m {
	case tfprotov6.SchemaNestedBlockNestingModeSingle:
		return "single"
	case tfprotov6.SchemaNestedBlockNestingModeList:
		return "list"
	case tfprotov6.SchemaNestedBlockNestingModeSet:
		return "set"
	case tfprotov6.SchemaNestedBlockNestingModeMap:
		return "map"
	case tfprotov6.SchemaNestedBlockNestingModeGroup:
		return "group"
	default:
		return "invalid"
	}
}

func objectNesting(m tfprotov6.SchemaObjectNestingMode) string {
	switch m {
	case tfprotov6.SchemaObjectNestingModeSingle:
		return "single"
	case tfprotov6.SchemaObjectNestingModeList:
		return "list"
	case tfprotov6.SchemaObjectNestingModeSet:
		return "set"
	case tfprotov6.SchemaObjectNestingModeMap:
		return "map"
	default:
		return "invalid"
	}
}
