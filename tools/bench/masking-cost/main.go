// What the transform/pii processor costs per span on its own, without the rest of the collector around it: the
// real transformprocessor of the distribution's release, built from the config files given, fed the same batch of
// order-shaped spans over and over. A whole collector's CPU per span (tools/bench/dist/collector-capacity.js) moves by
// ±20 % on this kind of VM from one minute to the next, about what masking costs; here the variants run interleaved,
// a short slice each per round, and every round's differences are taken before the median, so what is left is the
// processor's own cost.
//
// Before timing, every variant must give the shipped config's output, byte for byte, on the timed batch and on a
// batch of card numbers and e-mails in every place the rules look: a cheaper rule set that masks differently is
// refused here (the masking vectors in collector/test, run through the real binary, are the full check).
//
//	pnpm bench:masking [--variant=NAME=FILE ...] [--rounds=15] [--slice=300ms] [--json]
package main

import (
	"bytes"
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"runtime"
	"slices"
	"strings"
	"time"

	"github.com/open-telemetry/opentelemetry-collector-contrib/processor/transformprocessor"
	"go.opentelemetry.io/collector/component/componenttest"
	"go.opentelemetry.io/collector/confmap"
	"go.opentelemetry.io/collector/consumer/consumertest"
	"go.opentelemetry.io/collector/pdata/ptrace"
	"go.opentelemetry.io/collector/processor"
	"go.opentelemetry.io/collector/processor/processortest"
	"go.yaml.in/yaml/v3"
)

// processorName is the processor of collector/otel-collector.yaml that masks.
const processorName = "transform/pii"

type variant struct {
	name string
	file string // "" for the baseline: the batch is copied, nothing processes it
	proc processor.Traces
}

type variantFlags []string

func (v *variantFlags) String() string     { return strings.Join(*v, ",") }
func (v *variantFlags) Set(s string) error { *v = append(*v, s); return nil }

func main() {
	shipped := flag.String("config", "collector/otel-collector.yaml", "the shipped config: every variant must mask as it does")
	var extra variantFlags
	flag.Var(&extra, "variant", "NAME=FILE: another config whose "+processorName+" to time (repeatable)")
	rounds := flag.Int("rounds", 15, "interleaved rounds")
	slice := flag.Duration("slice", 300*time.Millisecond, "time per variant per round")
	asJSON := flag.Bool("json", false, "print one JSON object instead of the table")
	flag.Parse()
	if err := run(*shipped, extra, *rounds, *slice, *asJSON); err != nil {
		fmt.Fprintln(os.Stderr, "masking-cost:", err)
		os.Exit(1)
	}
}

func run(shipped string, extra []string, rounds int, slice time.Duration, asJSON bool) error {
	if rounds < 1 || slice <= 0 {
		return errors.New("--rounds must be at least 1 and --slice positive")
	}
	variants := []*variant{{name: "none"}, {name: "shipped", file: shipped}}
	for _, e := range extra {
		name, file, ok := strings.Cut(e, "=")
		if !ok || name == "" || file == "" || name == "none" || name == "shipped" {
			return fmt.Errorf("--variant=%q: expected NAME=FILE with a NAME other than none and shipped", e)
		}
		variants = append(variants, &variant{name: name, file: file})
	}
	for _, v := range variants[1:] {
		p, err := load(v.file)
		if err != nil {
			return fmt.Errorf("%s (%s): %w", v.name, v.file, err)
		}
		v.proc = p
	}
	timed := orderBatch()
	for _, check := range []struct {
		what  string
		batch ptrace.Traces
	}{{"the timed batch", timed}, {"the PII batch", piiBatch()}} {
		want, err := output(variants[1].proc, check.batch)
		if err != nil {
			return fmt.Errorf("shipped on %s: %w", check.what, err)
		}
		for _, v := range variants[2:] {
			got, err := output(v.proc, check.batch)
			if err != nil {
				return fmt.Errorf("%s on %s: %w", v.name, check.what, err)
			}
			if !bytes.Equal(got, want) {
				return fmt.Errorf("%s masks %s differently from the shipped config: not timed", v.name, check.what)
			}
		}
	}

	spans := timed.SpanCount()
	perRound := make(map[string][]float64, len(variants))
	for r := range rounds {
		order := slices.Clone(variants)
		if r%2 == 1 {
			slices.Reverse(order) // a slow spell at one end of a round does not always land on the same variant
		}
		for _, v := range order {
			ns, err := measure(v.proc, timed, slice)
			if err != nil {
				return fmt.Errorf("%s: %w", v.name, err)
			}
			perRound[v.name] = append(perRound[v.name], ns/float64(spans))
		}
	}
	return report(os.Stdout, variants, perRound, spans, rounds, slice, asJSON)
}

// load builds the masking processor from one config file, as the collector would: `$$` is the config's escape for
// a literal `$` (the collector's env-var expansion removes it before the processor sees the statements).
func load(file string) (processor.Traces, error) {
	raw, err := os.ReadFile(file)
	if err != nil {
		return nil, err
	}
	var doc struct {
		Processors map[string]any `yaml:"processors"`
	}
	if err := yaml.Unmarshal(raw, &doc); err != nil {
		return nil, err
	}
	section, ok := doc.Processors[processorName].(map[string]any)
	if !ok {
		return nil, fmt.Errorf("no processors.%s", processorName)
	}
	f := transformprocessor.NewFactory()
	cfg := f.CreateDefaultConfig()
	if err := confmap.NewFromStringMap(unescapeDollars(section).(map[string]any)).Unmarshal(cfg); err != nil {
		return nil, err
	}
	if v, ok := cfg.(interface{ Validate() error }); ok {
		if err := v.Validate(); err != nil {
			return nil, err
		}
	}
	p, err := f.CreateTraces(context.Background(), processortest.NewNopSettings(f.Type()), cfg, consumertest.NewNop())
	if err != nil {
		return nil, err
	}
	return p, p.Start(context.Background(), componenttest.NewNopHost())
}

func unescapeDollars(v any) any {
	switch t := v.(type) {
	case string:
		return strings.ReplaceAll(t, "$$", "$")
	case map[string]any:
		for k, x := range t {
			t[k] = unescapeDollars(x)
		}
	case []any:
		for i, x := range t {
			t[i] = unescapeDollars(x)
		}
	}
	return v
}

// output is what a processor makes of a copy of batch, as OTLP protobuf bytes.
func output(p processor.Traces, batch ptrace.Traces) ([]byte, error) {
	td := ptrace.NewTraces()
	batch.CopyTo(td)
	if err := p.ConsumeTraces(context.Background(), td); err != nil {
		return nil, err
	}
	return (&ptrace.ProtoMarshaler{}).MarshalTraces(td)
}

// measure runs copies of batch through p (or only copies them, for the baseline) for about d; ns per batch.
func measure(p processor.Traces, batch ptrace.Traces, d time.Duration) (float64, error) {
	runtime.GC() // the previous variant's garbage is not collected on this one's time
	n := 0
	start := time.Now()
	for time.Since(start) < d {
		for range 8 {
			td := ptrace.NewTraces()
			batch.CopyTo(td)
			if p != nil {
				if err := p.ConsumeTraces(context.Background(), td); err != nil {
					return 0, err
				}
			}
		}
		n += 8
	}
	return float64(time.Since(start).Nanoseconds()) / float64(n), nil
}
