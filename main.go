// Command terraform-provider-hellgate serves the Hellgate provider to
// Terraform and OpenTofu over plugin protocol 6.
package main

import (
	"flag"
	"log"
	"os"

	"github.com/hashicorp/terraform-plugin-framework/providerserver"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6/tf6server"

	"github.com/starfish-codes/terraform-provider-hellgate/internal/provider"
)

// version is set at build time by goreleaser or `make build`
// (-ldflags "-X main.version=...").
var version = "dev"

const address = "registry.terraform.io/starfish-codes/hellgate"

func main() {
	var debugMode bool

	flag.BoolVar(&debugMode, "debug", false, "set to true to run the provider with support for debuggers like delve")
	flag.Parse()

	quietUnlessLogging(os.LookupEnv, os.Setenv)

	// WithoutLogLocation spares every log line a caller lookup; the
	// messages say where they come from.
	opts := []tf6server.ServeOpt{tf6server.WithoutLogLocation()}
	if debugMode {
		opts = append(opts, tf6server.WithManagedDebug())
	}
	if err := tf6server.Serve(address, providerserver.NewProtocol6(provider.New(version)()), opts...); err != nil {
		log.Fatal(err.Error())
	}
}

// quietLoggers are the plugin SDK's and the provider's own log levels.
var quietLoggers = []string{
	"TF_LOG_SDK",
	"TF_LOG_SDK_PROTO",
	"TF_LOG_SDK_FRAMEWORK",
	"TF_LOG_PROVIDER_HELLGATE",
	"TF_LOG_PROVIDER_HELLGATE_API",
}

// quietUnlessLogging turns the plugin loggers off when Terraform is not
// logging. They default to TRACE and write every line to Terraform, which
// throws the lines away unless TF_LOG is set: about a third of the
// provider's CPU for nothing. With TF_LOG or TF_LOG_PROVIDER set, nothing
// changes; a level set explicitly is always kept.
func quietUnlessLogging(lookup func(string) (string, bool), set func(string, string) error) {
	for _, v := range []string{"TF_LOG", "TF_LOG_PROVIDER"} {
		if s, ok := lookup(v); ok && s != "" {
			return
		}
	}
	for _, v := range quietLoggers {
		if _, ok := lookup(v); !ok {
			_ = set(v, "OFF")
		}
	}
}
