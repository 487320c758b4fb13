package dev.clawgate.mcp;

/**
 * One server's state, for {@code /readyz} detail.
 *
 * @param name      the configured name
 * @param up        connected, initialised and its tools listed
 * @param lastError why it is down ("connecting" before the first attempt ends); null when up. Never a secret.
 * @param toolCount tools listed (after the per-server cap); 0 when down
 * @param transport {@code streamable-http}, {@code http+sse}, {@code stdio} or {@code none}
 */
public record ServerStatus(String name, boolean up, String lastError, int toolCount, String transport) {
}
