// Command benchmathref answers, with the statistics package benchstat is built on
// (github.com/aclements/go-moremath/stats, at the version golang.org/x/perf requires), the
// questions gpw's benchmark statistics test asks: the order statistics of the median's
// confidence interval for a sample size, and the Mann-Whitney U test's p for two samples.
// Questions come as JSON on stdin, answers go as JSON to stdout.
package main

import (
	"encoding/json"
	"os"

	"github.com/aclements/go-moremath/stats"
)

type question struct {
	Intervals []struct {
		N          int     `json:"n"`
		Confidence float64 `json:"confidence"`
	} `json:"intervals"`
	UTests []struct {
		X1 []float64 `json:"x1"`
		X2 []float64 `json:"x2"`
	} `json:"utests"`
}

type interval struct {
	Lo         int     `json:"lo"`
	Hi         int     `json:"hi"`
	Confidence float64 `json:"confidence"`
}

type utest struct {
	P     float64 `json:"p"`
	Error string  `json:"error,omitempty"`
}

func main() {
	var q question
	if err := json.NewDecoder(os.Stdin).Decode(&q); err != nil {
		panic(err)
	}
	var out struct {
		Intervals []interval `json:"intervals"`
		UTests    []utest    `json:"utests"`
	}
	for _, c := range q.Intervals {
		r := stats.QuantileCI(c.N, 0.5, c.Confidence)
		out.Intervals = append(out.Intervals, interval{r.LoOrder, r.HiOrder, r.Confidence})
	}
	for _, t := range q.UTests {
		r, err := stats.MannWhitneyUTest(t.X1, t.X2, stats.LocationDiffers)
		if err != nil {
			out.UTests = append(out.UTests, utest{P: 1, Error: err.Error()})
		} else {
			out.UTests = append(out.UTests, utest{P: r.P})
		}
	}
	if err := json.NewEncoder(os.Stdout).Encode(out); err != nil {
		panic(err)
	}
}
