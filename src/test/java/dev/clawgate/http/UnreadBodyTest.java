package dev.clawgate.http;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.eq;
import static org.mockito.Mockito.inOrder;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.when;

import dev.clawgate.openai.ApiException;
import jakarta.servlet.AsyncContext;
import jakarta.servlet.ServletOutputStream;
import jakarta.servlet.WriteListener;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.mockito.InOrder;

/** Refusing a request whose body is left unread: the answer closes the connection and the request ends async. */
class UnreadBodyTest {
    private static final ApiException REFUSED = new ApiException(401, "invalid_request_error", null,
            "invalid_api_key", "Incorrect API key provided.");

    private final HttpServletRequest request = mock(HttpServletRequest.class);
    private final HttpServletResponse response = mock(HttpServletResponse.class);
    private final AsyncContext async = mock(AsyncContext.class);
    private final ByteArrayOutputStream sent = new ByteArrayOutputStream();

    UnreadBodyTest() throws Exception {
        when(request.getProtocol()).thenReturn("HTTP/1.1");
        when(request.getContentLengthLong()).thenReturn(-1L);
        when(request.isAsyncSupported()).thenReturn(true);
        when(request.startAsync()).thenReturn(async);
        when(response.getOutputStream()).thenReturn(new ServletOutputStream() {
            @Override
            public void write(int b) {
                sent.write(b);
            }

            @Override
            public boolean isReady() {
                return true;
            }

            @Override
            public void setWriteListener(WriteListener listener) {
            }
        });
    }

    @Test
    void aRefusedRequestWithADeclaredLengthIsAnsweredWithConnectionCloseThenEndedAsynchronously() throws Exception {
        when(request.getContentLengthLong()).thenReturn(500_000L);
        UnreadBody.refuse(request, response, REFUSED);
        InOrder order = inOrder(response, request, async);
        order.verify(response).setHeader("Connection", "close");
        order.verify(response).setStatus(401);
        order.verify(request).startAsync();
        order.verify(async).complete();
        assertTrue(sent.toString(StandardCharsets.UTF_8).contains("\"code\":\"invalid_api_key\""), sent.toString());
    }

    @Test
    void aRefusedChunkedRequestIsClosedTheSameWay() throws Exception {
        when(request.getHeader("Transfer-Encoding")).thenReturn("chunked");
        UnreadBody.refuse(request, response, REFUSED);
        verify(response).setHeader("Connection", "close");
        verify(async).complete();
    }

    @Test
    void aRefusedRequestWithoutABodyKeepsItsConnectionAndStaysSynchronous() throws Exception {
        when(request.getContentLengthLong()).thenReturn(0L);
        UnreadBody.refuse(request, response, REFUSED);
        verify(response).setStatus(401);
        verify(response, never()).setHeader(eq("Connection"), any());
        verify(request, never()).startAsync();
    }

    @Test
    void anHttp2RequestGetsNoConnectionHeader() throws Exception {
        when(request.getProtocol()).thenReturn("HTTP/2.0");
        when(request.getContentLengthLong()).thenReturn(500_000L);
        UnreadBody.refuse(request, response, REFUSED);
        verify(response, never()).setHeader(eq("Connection"), any());
        verify(request, never()).startAsync();
    }

    @Test
    void aRequestAlreadyAsyncIsNotStartedAgain() throws Exception {
        when(request.getContentLengthLong()).thenReturn(500_000L);
        when(request.isAsyncStarted()).thenReturn(true);
        UnreadBody.refuse(request, response, REFUSED);
        verify(request, never()).startAsync();
        verify(response).setStatus(401);
    }

    @Test
    void aChainThatCannotGoAsyncIsStillAnsweredWithConnectionClose() throws Exception {
        when(request.getContentLengthLong()).thenReturn(500_000L);
        when(request.isAsyncSupported()).thenReturn(false);
        UnreadBody.refuse(request, response, REFUSED);
        verify(response).setHeader("Connection", "close");
        verify(response).setStatus(401);
        verify(request, never()).startAsync();
    }
}
