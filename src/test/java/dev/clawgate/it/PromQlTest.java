package dev.clawgate.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import org.junit.jupiter.api.Test;

class PromQlTest {
    @Test
    void aRateInsideAnAggregationYieldsItsSelectorWithoutRangeOrLabelList() {
        assertEquals(List.of("clawgate_requests_total{job=~\"a|b\", outcome!=\"ok\"}"), PromQl.selectors(
                "sum by (agent, outcome) (rate(clawgate_requests_total{job=~\"a|b\", outcome!=\"ok\"}[5m]))"));
    }

    @Test
    void bothSidesOfABinaryOperationAreListedAndVectorMatchingIsSkipped() {
        assertEquals(List.of("clawgate:upstream_error_ratio:rate5m", "clawgate:requests:rate5m"),
                PromQl.selectors("clawgate:upstream_error_ratio:rate5m > 0.05\nand on (job, agent)\n"
                        + "sum by (job, agent) (clawgate:requests:rate5m) > 0.05"));
    }

    @Test
    void offsetsDurationsNumbersAndFunctionsAreNotSelectors() {
        assertEquals(List.of("x", "x", "x"), PromQl.selectors(
                "x > 2 * avg_over_time(x[1h] offset 1d) and histogram_quantile(0.99, x) > 1e3 or vector(0)"));
    }

    @Test
    void aClosingBraceInsideALabelValueDoesNotEndTheSelector() {
        assertEquals(List.of("m{a=\"}\", b='x\\'y'}", "{__name__=\"n\"}"),
                PromQl.selectors("m{a=\"}\", b='x\\'y'} + {__name__=\"n\"}"));
    }

    @Test
    void aggregationWithTheGroupingAfterItsArgumentStillSkipsTheLabels() {
        assertEquals(List.of("up{job=\"c\"}"), PromQl.selectors("count(up{job=\"c\"}) without (instance)"));
    }

    @Test
    void anUnclosedSelectorIsRejected() {
        assertThrows(IllegalArgumentException.class, () -> PromQl.selectors("m{a=\"b\""));
    }
}
