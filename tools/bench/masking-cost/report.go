package main

import (
	"encoding/json"
	"fmt"
	"io"
	"runtime"
	"slices"
	"time"
)

type variantResult struct {
	Name string `json:"name"`
	File string `json:"file,omitempty"`
	// NsPerSpan is each round's time per span: copying the batch, plus the processor for every variant but none.
	NsPerSpan []float64 `json:"nsPerSpan"`
	// MaskingNsPerSpan is the median over rounds of this variant's time minus none's in the same round.
	MaskingNsPerSpan float64 `json:"maskingNsPerSpan"`
	// VsShipped is the median over rounds of this variant's masking time over the shipped config's.
	VsShipped float64 `json:"vsShipped"`
}

type result struct {
	Go            string          `json:"go"`
	SpansPerBatch int             `json:"spansPerBatch"`
	Rounds        int             `json:"rounds"`
	SliceMs       int64           `json:"sliceMs"`
	Variants      []variantResult `json:"variants"`
}

func median(xs []float64) float64 {
	s := slices.Clone(xs)
	slices.Sort(s)
	n := len(s)
	if n%2 == 1 {
		return s[n/2]
	}
	return (s[n/2-1] + s[n/2]) / 2
}

func report(w io.Writer, variants []*variant, perRound map[string][]float64, spans, rounds int, slice time.Duration, asJSON bool) error {
	none, shipped := perRound["none"], perRound["shipped"]
	res := result{Go: runtime.Version(), SpansPerBatch: spans, Rounds: rounds, SliceMs: slice.Milliseconds()}
	for _, v := range variants {
		own := perRound[v.name]
		masking := make([]float64, rounds)
		vsShipped := make([]float64, rounds)
		for r := range rounds {
			masking[r] = own[r] - none[r]
			vsShipped[r] = masking[r] / (shipped[r] - none[r])
		}
		vr := variantResult{Name: v.name, File: v.file, NsPerSpan: own}
		if v.proc != nil {
			vr.MaskingNsPerSpan, vr.VsShipped = median(masking), median(vsShipped)
		}
		res.Variants = append(res.Variants, vr)
	}
	if asJSON {
		enc := json.NewEncoder(w)
		enc.SetIndent("", "  ")
		return enc.Encode(res)
	}
	fmt.Fprintf(w, "transform/pii alone, %d spans per batch, %d interleaved rounds of %v per variant, %s:\n\n",
		spans, rounds, slice, res.Go)
	fmt.Fprintln(w, "| variant | ns per span, median (batch copy included) | masking ns per span over none, median | × shipped, median |")
	fmt.Fprintln(w, "|---|---|---|---|")
	for _, vr := range res.Variants {
		if vr.Name == "none" {
			fmt.Fprintf(w, "| none (the batch copied, not processed) | %.0f | – | – |\n", median(vr.NsPerSpan))
			continue
		}
		fmt.Fprintf(w, "| %s (%s) | %.0f | %.0f | %.2f |\n", vr.Name, vr.File, median(vr.NsPerSpan), vr.MaskingNsPerSpan, vr.VsShipped)
	}
	return nil
}
