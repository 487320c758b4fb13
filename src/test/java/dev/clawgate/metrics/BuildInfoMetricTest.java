package dev.clawgate.metrics;

import static dev.clawgate.metrics.GatewayMetricsTest.assertExposes;

import dev.clawgate.config.BuildInfo;
import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/** {@code clawgate_build_info{version,commit}} is 1 and names the build it is given. */
class BuildInfoMetricTest {
    @Test
    void theBuildInfoSeriesNamesVersionAndCommitWithValueOne() throws IOException {
        GatewayMetrics metrics = new GatewayMetrics(List.of("main"),
                new BuildInfo("0.1.0", "0123456789ab", "0123456789abcdef0123456789abcdef01234567", "t"));
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        PrometheusTextFormatWriter.create().write(out, metrics.registry().scrape());
        assertExposes(out.toString(StandardCharsets.UTF_8),
                "# TYPE clawgate_build_info gauge",
                "clawgate_build_info{commit=\"0123456789ab\",version=\"0.1.0\"} 1");
    }
}
