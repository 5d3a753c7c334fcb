package main

// The workflow files as the check reads them: workflows, jobs and steps.

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"gopkg.in/yaml.v3"
)

// workflow is one workflow file, its jobs in the order they are written.
type workflow struct {
	file    string
	name    string
	trigger string
	env     map[string]string
	jobs    []*job
}

type job struct {
	ID       string            `yaml:"-"`
	Name     string            `yaml:"name"`
	Needs    stringList        `yaml:"needs"`
	If       string            `yaml:"if"`
	Env      map[string]string `yaml:"env"`
	Outputs  map[string]string `yaml:"outputs"`
	Strategy *struct {
		Matrix yaml.Node `yaml:"matrix"`
	} `yaml:"strategy"`
	Steps []step `yaml:"steps"`

	skipReason string
	outputs    map[string]string
	done       bool
}

type step struct {
	ID   string            `yaml:"id"`
	Name string            `yaml:"name"`
	If   string            `yaml:"if"`
	Uses string            `yaml:"uses"`
	Run  string            `yaml:"run"`
	With map[string]string `yaml:"with"`
	Env  map[string]string `yaml:"env"`
}

func (s step) title() string {
	switch {
	case s.Name != "":
		return s.Name
	case s.Uses != "":
		return s.Uses
	default:
		return strings.TrimSpace(strings.SplitN(s.Run, "\n", 2)[0])
	}
}

// stringList is a YAML value that is one string or a list of them.
type stringList []string

func (l *stringList) UnmarshalYAML(n *yaml.Node) error {
	if n.Kind == yaml.ScalarNode {
		*l = []string{n.Value}
		return nil
	}
	var s []string
	if err := n.Decode(&s); err != nil {
		return err
	}
	*l = s
	return nil
}

func readWorkflow(path, event string) (*workflow, error) {
	data, err := os.ReadFile(path) //nolint:gosec // a workflow file the caller names
	if err != nil {
		return nil, err
	}
	var raw struct {
		Name string            `yaml:"name"`
		On   yaml.Node         `yaml:"on"`
		Env  map[string]string `yaml:"env"`
		Jobs yaml.Node         `yaml:"jobs"`
	}
	if err := yaml.Unmarshal(data, &raw); err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	w := &workflow{file: filepath.Base(path), name: raw.Name, env: raw.Env, trigger: event}
	if w.trigger == "" {
		w.trigger = firstTrigger(&raw.On)
	}
	if raw.Jobs.Kind != yaml.MappingNode {
		return nil, fmt.Errorf("%s: no jobs", path)
	}
	for i := 0; i+1 < len(raw.Jobs.Content); i += 2 {
		j := &job{}
		if err := raw.Jobs.Content[i+1].Decode(j); err != nil {
			return nil, fmt.Errorf("%s: job %s: %w", path, raw.Jobs.Content[i].Value, err)
		}
		j.ID = raw.Jobs.Content[i].Value
		w.jobs = append(w.jobs, j)
	}
	return w, nil
}

// firstTrigger is the event a run of the workflow is taken to be for:
// pull_request when the workflow has it, else its first trigger.
func firstTrigger(on *yaml.Node) string {
	switch on.Kind {
	case yaml.ScalarNode:
		return on.Value
	case yaml.SequenceNode:
		for _, n := range on.Content {
			if n.Value == "pull_request" {
				return n.Value
			}
		}
		if len(on.Content) > 0 {
			return on.Content[0].Value
		}
	case yaml.MappingNode:
		for i := 0; i < len(on.Content); i += 2 {
			if on.Content[i].Value == "pull_request" {
				return "pull_request"
			}
		}
		if len(on.Content) > 0 {
			return on.Content[0].Value
		}
	}
	return "push"
}
