package provider

// The commands the tests run through the CLI harness, with the flags every
// test run wants: -input=false (a test never answers a prompt) and
// -no-color (the output is read as plain text); and the harness started
// in a new folder on one main.tf, initialised.

import "testing"

// initCLI starts the CLI harness against c, with the provider built with
// opts, in a new working folder whose main.tf is mainTF, and runs
// terraform init.
func initCLI(t *testing.T, c *testCluster, mainTF string, opts ...Option) *terraformCLI {
	t.Helper()
	dir := t.TempDir()
	writeMainTF(t, dir, mainTF)
	tf := newTerraformCLI(t, dir, c, opts...)
	tf.mustInit()
	return tf
}

// usual returns the arguments of the command name with the usual flags,
// then extra.
func usual(name string, extra ...string) []string {
	return append([]string{name, "-input=false", "-no-color"}, extra...)
}

// approved returns the arguments of the command name (apply or destroy)
// with the usual flags and -auto-approve, then extra.
func approved(name string, extra ...string) []string {
	return usual(name, append([]string{"-auto-approve"}, extra...)...)
}

// mustInit runs terraform init, failing the test when it fails.
func (tf *terraformCLI) mustInit() {
	tf.t.Helper()
	tf.mustRun(usual("init")...)
}

// plan runs terraform plan with extra arguments and returns its output
// and error.
func (tf *terraformCLI) plan(extra ...string) (string, error) {
	tf.t.Helper()
	return tf.run(usual("plan", extra...)...)
}

// mustPlan runs terraform plan with extra arguments, failing the test when
// it fails, and returns its output.
func (tf *terraformCLI) mustPlan(extra ...string) string {
	tf.t.Helper()
	return tf.mustRun(usual("plan", extra...)...)
}

// apply runs terraform apply -auto-approve with extra arguments and
// returns its output and error.
func (tf *terraformCLI) apply(extra ...string) (string, error) {
	tf.t.Helper()
	return tf.run(approved("apply", extra...)...)
}

// mustApply runs terraform apply -auto-approve with extra arguments,
// failing the test when it fails, and returns its output.
func (tf *terraformCLI) mustApply(extra ...string) string {
	tf.t.Helper()
	return tf.mustRun(approved("apply", extra...)...)
}

// mustApplyPlan applies the saved plan planFile, failing the test when it
// fails, and returns its output.
func (tf *terraformCLI) mustApplyPlan(planFile string) string {
	tf.t.Helper()
	return tf.mustRun(usual("apply", planFile)...)
}

// destroy runs terraform destroy -auto-approve with extra arguments and
// returns its output and error.
func (tf *terraformCLI) destroy(extra ...string) (string, error) {
	tf.t.Helper()
	return tf.run(approved("destroy", extra...)...)
}

// mustDestroy runs terraform destroy -auto-approve with extra arguments,
// failing the test when it fails, and returns its output.
func (tf *terraformCLI) mustDestroy(extra ...string) string {
	tf.t.Helper()
	return tf.mustRun(approved("destroy", extra...)...)
}

// planIsEmpty runs a plan, with the extra arguments given, and fails the
// test unless it proposes no change. It returns the plan's output.
func (tf *terraformCLI) planIsEmpty(extra ...string) string {
	tf.t.Helper()
	out, err := tf.plan(append([]string{"-detailed-exitcode"}, extra...)...)
	if err != nil {
		tf.t.Fatalf("expected an empty plan: %v\n%s", err, out)
	}
	return out
}
