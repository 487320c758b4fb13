package dev.clawgate.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.mockito.ArgumentMatchers.anyInt;
import static org.mockito.Mockito.doAnswer;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.when;

import dev.clawgate.Gateway;
import dev.clawgate.config.BuildInfo;
import dev.clawgate.config.ConfigLoader;
import dev.clawgate.session.SessionStore;
import jakarta.servlet.ServletOutputStream;
import jakarta.servlet.WriteListener;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** {@code /readyz}: 200 while serving, 503 while the state store is down or the gateway shuts down. */
class HealthServletTest {
    /** A state store whose health the test sets. */
    static final class SwitchableStore implements SessionStore {
        volatile boolean healthy = true;

        @Override
        public CompletionStage<Lease> acquire(String key) {
            return CompletableFuture.failedFuture(new IllegalStateException("not used"));
        }

        @Override
        public CompletionStage<Boolean> delete(String key) {
            return CompletableFuture.completedFuture(false);
        }

        @Override
        public boolean healthy() {
            return healthy;
        }

        @Override
        public void close() {
        }
    }

    private final SwitchableStore store = new SwitchableStore();
    private final Gateway gateway = new Gateway(new ConfigLoader(Map.of(), Map.of("gateway.auth.token", "t"),
            name -> null).load(), Clock.systemUTC(), store);

    @AfterEach
    void close() {
        gateway.close();
    }

    private record Answer(int status, String body) {
    }

    /** {@code /healthz}: status first, then the build that runs. */
    private static final String OK = "{\"status\":\"ok\",\"version\":\"" + BuildInfo.current().version()
            + "\",\"commit\":\"" + BuildInfo.current().commit() + "\"}";

    private Answer get(String path) throws Exception {
        HealthServlet servlet = new HealthServlet(gateway::ready);

        HttpServletRequest req = mock(HttpServletRequest.class);
        when(req.getContextPath()).thenReturn("/clawgate");
        when(req.getServletPath()).thenReturn(path); // mapped exactly: the whole path, no path info
        HttpServletResponse resp = mock(HttpServletResponse.class);
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        when(resp.getOutputStream()).thenReturn(new ServletOutputStream() {
            @Override
            public void write(int b) {
                body.write(b);
            }

            @Override
            public boolean isReady() {
                return true;
            }

            @Override
            public void setWriteListener(WriteListener listener) {
            }
        });
        int[] status = {200};
        doAnswer(inv -> status[0] = inv.getArgument(0)).when(resp).setStatus(anyInt());
        servlet.doGet(req, resp);
        verify(resp).setContentType("application/json; charset=utf-8");
        return new Answer(status[0], body.toString(StandardCharsets.UTF_8));
    }

    @Test
    void readyzIs200WhileTheGatewayServes() throws Exception {
        assertEquals(new Answer(200, "{\"status\":\"ready\"}"), get("/readyz"));
    }

    @Test
    void readyzIs503WhileTheStateStoreIsUnhealthyAndRecoversWithIt() throws Exception {
        store.healthy = false;
        assertEquals(new Answer(503, "{\"status\":\"unavailable\"}"), get("/readyz"));
        store.healthy = true;
        assertEquals(200, get("/readyz").status());
    }

    @Test
    void readyzIs503OnceTheGatewayIsShuttingDownWhileHealthzStaysOk() throws Exception {
        gateway.close();
        assertEquals(503, get("/readyz").status());
        assertEquals(new Answer(200, OK), get("/healthz"));
    }

    @Test
    void healthzSaysOkEvenWhenTheStoreIsDown() throws Exception {
        store.healthy = false;
        assertEquals(new Answer(200, OK), get("/healthz"));
    }
}
