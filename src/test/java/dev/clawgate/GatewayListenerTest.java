package dev.clawgate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.anyString;
import static org.mockito.ArgumentMatchers.eq;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.when;

import jakarta.servlet.Filter;
import jakarta.servlet.FilterRegistration;
import jakarta.servlet.Servlet;
import jakarta.servlet.ServletContext;
import jakarta.servlet.ServletContextEvent;
import jakarta.servlet.ServletRegistration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** Start-up that fails after the gateway was built leaves nothing running. */
class GatewayListenerTest {
    private static Set<Thread> threads() {
        return Thread.getAllStackTraces().keySet();
    }

    /** A container that maps {@code /healthz} itself, so registering the gateway's servlets fails. */
    private static ServletContext containerThatAlreadyMapsHealthz(Map<String, String> params) {
        ServletContext context = mock(ServletContext.class);
        when(context.getInitParameterNames()).thenAnswer(i -> Collections.enumeration(params.keySet()));
        when(context.getInitParameter(anyString())).thenAnswer(i -> params.get(i.getArgument(0, String.class)));
        when(context.addFilter(anyString(), any(Filter.class))).thenReturn(mock(FilterRegistration.Dynamic.class));
        ServletRegistration.Dynamic fine = mock(ServletRegistration.Dynamic.class);
        when(fine.addMapping(any(String[].class))).thenReturn(Set.of());
        when(context.addServlet(anyString(), any(Servlet.class))).thenReturn(fine);
        ServletRegistration.Dynamic clashing = mock(ServletRegistration.Dynamic.class);
        when(clashing.addMapping(any(String[].class))).thenReturn(Set.of("/healthz"));
        when(context.addServlet(eq("health"), any(Servlet.class))).thenReturn(clashing);
        return context;
    }

    @Test
    void aStartUpThatFailsAfterTheProvidersWereBuiltClosesThemAndLeavesNoClawgateThread() throws Exception {
        Map<String, String> params = new LinkedHashMap<>();
        params.put("gateway.http.endpoints.chatCompletions.enabled", "true");
        params.put("gateway.auth.token", "listener-test-token-0123456789abcdef");
        params.put("models.providers.up.baseUrl", "http://127.0.0.1:9/v1");
        params.put("agents.main.model", "up/m");
        Set<Thread> before = threads();

        GatewayListener listener = new GatewayListener();
        ServletContext context = containerThatAlreadyMapsHealthz(params);
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> listener.contextInitialized(new ServletContextEvent(context)));
        assertTrue(e.getMessage().contains("/healthz"), e.getMessage());

        // a terminated pool's last worker may still be on its way out: give each a bounded join
        for (Thread t : threads()) {
            if (!before.contains(t) && t.getName().startsWith("clawgate-")) {
                t.join(5_000);
            }
        }
        List<String> left = threads().stream().filter(t -> !before.contains(t) && t.isAlive())
                .map(Thread::getName).filter(n -> n.startsWith("clawgate-")).collect(Collectors.toList());
        assertEquals(List.of(), left);
        listener.contextDestroyed(new ServletContextEvent(context)); // nothing left to close: no error
    }
}
