package main

// The ${{ }} expressions the workflows use, and conditions.

import (
	"errors"
	"fmt"
	"regexp"
	"strings"
)

var exprRE = regexp.MustCompile(`\$\{\{\s*(.*?)\s*\}\}`)

// expand replaces every ${{ }} expression of s with its value.
func (c *check) expand(r *jobRun, s string) (string, error) {
	var firstErr error
	out := exprRE.ReplaceAllStringFunc(s, func(m string) string {
		v, err := c.value(r, exprRE.FindStringSubmatch(m)[1])
		if err != nil && firstErr == nil {
			firstErr = err
		}
		return v
	})
	return out, firstErr
}

// value evaluates the expressions the workflows use: contexts, string
// literals and the comparisons of conditions.
func (c *check) value(r *jobRun, expr string) (string, error) {
	expr = strings.TrimSpace(expr)
	for _, op := range []string{"==", "!="} {
		if a, b, ok := strings.Cut(expr, op); ok {
			va, err := c.value(r, a)
			if err != nil {
				return "", err
			}
			vb, err := c.value(r, b)
			if err != nil {
				return "", err
			}
			if (va == vb) == (op == "==") {
				return "true", nil
			}
			return "false", nil
		}
	}
	if len(expr) >= 2 && expr[0] == '\'' && expr[len(expr)-1] == '\'' {
		return strings.ReplaceAll(expr[1:len(expr)-1], "''", "'"), nil
	}
	parts := strings.Split(expr, ".")
	switch {
	case len(parts) == 4 && parts[0] == "steps" && parts[2] == "outputs":
		outs, ok := r.steps[parts[1]]
		if !ok && !r.dryRun {
			return "", fmt.Errorf("${{ %s }}: no step %s has run", expr, parts[1])
		}
		return outs[parts[3]], nil
	case len(parts) == 4 && parts[0] == "needs" && parts[2] == "outputs":
		for _, j := range r.w.jobs {
			if j.ID == parts[1] {
				if _, declared := j.Outputs[parts[3]]; !declared {
					return "", fmt.Errorf("${{ %s }}: job %s declares no output %s", expr, parts[1], parts[3])
				}
				return j.outputs[parts[3]], nil
			}
		}
		return "", fmt.Errorf("${{ %s }}: no job %s", expr, parts[1])
	case len(parts) == 2 && parts[0] == "matrix":
		if v, ok := r.matrix[parts[1]]; ok {
			return v, nil
		}
		if v, ok := r.matrix["*"]; ok {
			return v, nil
		}
		return "", fmt.Errorf("${{ %s }}: the job has no matrix", expr)
	case len(parts) == 2 && parts[0] == "secrets":
		// No secret is here; the stand-ins and snapshot steps need none.
		return "", nil
	case len(parts) == 2 && parts[0] == "github":
		switch parts[1] {
		case "event_name":
			return r.w.trigger, nil
		case "workflow":
			return r.w.name, nil
		case "ref":
			return "refs/heads/runnercheck", nil
		}
	case strings.HasPrefix(expr, "fromJSON(") && r.dryRun:
		return "", nil
	}
	return "", errors.New("${{ " + expr + " }}: an expression this check cannot evaluate: teach tools/runnercheck")
}

func (c *check) condition(r *jobRun, expr string) (bool, error) {
	expr = strings.TrimSpace(expr)
	if m := exprRE.FindStringSubmatch(expr); m != nil && m[0] == expr {
		expr = m[1]
	}
	v, err := c.value(r, expr)
	if err != nil {
		return false, err
	}
	if r.dryRun {
		return true, nil
	}
	switch v {
	case "true":
		return true, nil
	case "false", "":
		return false, nil
	}
	return false, fmt.Errorf("if: %s is %q, not a condition", expr, v)
}
