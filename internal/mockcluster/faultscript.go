package mockcluster

// Fault scripts: a fixed sequence of faults for the next requests, so that
// a test can play an exact story (a create committed with its answer lost,
// then throttling until the client gives up) instead of hoping a random
// draw produces it.

import (
	"fmt"
	"net/http"
	"strconv"
	"strings"
)

// FaultStep is one step of a fault script: what the mock does with one
// request to /api.
type FaultStep string

const (
	// StepPass injects no fault: the request is handled normally.
	StepPass FaultStep = "pass"
	// StepDrop handles the request, commits its effect, and closes the
	// connection without an answer.
	StepDrop FaultStep = "drop"
	// StepThrottle answers 429 with Retry-After (Faults.ThrottleRetryAfter)
	// and does nothing.
	StepThrottle FaultStep = "throttle"
)

// StepError returns the step that answers status (400 to 599) and does
// nothing: a 5xx for server trouble, or a refusal such as 409 (the
// create is still in progress) or 403.
func StepError(status int) FaultStep { return FaultStep(strconv.Itoa(status)) }

// maxScriptRepeat bounds the N of "step*N" in ParseFaultScript.
const maxScriptRepeat = 100000

// ParseFaultScript parses a comma-separated list of steps, each "pass",
// "drop", "throttle" or a status from 400 to 599, optionally followed by
// "*N" to repeat it N times: "drop,throttle*6" is a dropped request and
// then six throttled ones. An empty string is an empty script.
func ParseFaultScript(s string) ([]FaultStep, error) {
	if strings.TrimSpace(s) == "" {
		return nil, nil
	}
	var script []FaultStep
	for i, item := range strings.Split(s, ",") {
		item = strings.TrimSpace(item)
		name, count, repeated := strings.Cut(item, "*")
		n := 1
		if repeated {
			var err error
			n, err = strconv.Atoi(count)
			if err != nil || n < 1 || n > maxScriptRepeat {
				return nil, fmt.Errorf("fault script step %d (%q): the repeat count must be a whole number from 1 to %d", i+1, item, maxScriptRepeat)
			}
		}
		step := FaultStep(name)
		if _, _, ok := step.fault(); !ok {
			return nil, fmt.Errorf("fault script step %d (%q): expected pass, drop, throttle or a status from 400 to 599, optionally followed by *N", i+1, item)
		}
		for range n {
			script = append(script, step)
		}
	}
	return script, nil
}

// fault returns what the step injects, and whether the step is valid.
func (s FaultStep) fault() (faultKind, int, bool) {
	switch s {
	case StepPass:
		return faultNone, 0, true
	case StepDrop:
		return faultDrop, 0, true
	case StepThrottle:
		return faultThrottle, 0, true
	}
	if status, err := strconv.Atoi(string(s)); err == nil && status >= 400 && status <= 599 && string(s) == strconv.Itoa(status) {
		return faultError, status, true
	}
	return faultNone, 0, false
}

// httpStatusText names a scripted or drawn error status for the message.
func httpStatusText(status int) string {
	if t := http.StatusText(status); t != "" {
		return " " + t
	}
	return ""
}
