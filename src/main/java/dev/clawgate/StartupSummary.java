package dev.clawgate;

import dev.clawgate.config.BuildInfo;
import dev.clawgate.config.GatewayConfig;
import java.lang.System.Logger.Level;

/**
 * The start-up log lines: the build (version and commit, {@link BuildInfo}) and the effective configuration, secrets
 * shown only as set or unset.
 */
final class StartupSummary {
    private static final System.Logger LOG = System.getLogger(GatewayListener.class.getName());

    private StartupSummary() {
    }

    static void log(GatewayConfig c) {
        GatewayConfig.Http h = c.http();
        BuildInfo build = BuildInfo.current();
        LOG.log(Level.INFO, "clawgate: version=" + build.version() + " commit=" + build.commit()
                + " chatCompletions.enabled=" + c.chatCompletionsEnabled() + " auth.mode="
                + c.auth().mode().name().toLowerCase(java.util.Locale.ROOT).replace('_', '-') + " auth.secret="
                + (c.auth().expectedSecret() == null ? "unset" : "set") + " auth.keys=" + c.access().keys().size()
                + " auth.keysFile=" + (c.access().keysFile() == null ? "unset" : "set")
                + " auth.users=" + c.access().users().size() + " trustedProxies=" + c.trustedProxies().size()
                + " rateLimit.requestsPerMinute=" + h.requestsPerMinute() + " cors.origins=" + h.corsAllowedOrigins().size()
                + " maxBodyBytes=" + h.maxBodyBytes() + " streamTimeoutMs=" + h.streamTimeoutMs() + " heartbeatMs="
                + h.heartbeatMs() + " state=" + (c.state().redisUrl() != null ? "redis" : c.state().dir() != null
                ? "file" : "memory") + " metrics=" + c.metrics().enabled());
        // a loop, not forEach: the JUL bridge names the calling method as the record's source, and a lambda's is
        // StartupSummary.lambda$log$0
        for (GatewayConfig.AgentSpec a : c.agents().values()) {
            LOG.log(Level.INFO, "clawgate: agent " + a.id() + " -> " + a.provider() + "/" + a.model()
                    + (a.id().equals(c.defaultAgent()) ? " (default)" : "")
                    + (a.fallbacks().isEmpty() ? "" : " fallbacks=" + a.fallbacks())
                    + (a.embeddingModel() == null ? "" : " embeddings=" + a.embeddingModel())
                    + (a.usesTools() ? " mcpServers=" + a.mcpServers() : ""));
        }
        if (c.auth().mode() == GatewayConfig.AuthMode.NONE) {
            LOG.log(Level.WARNING, "clawgate: auth mode none: anyone who reaches this gateway has operator access");
        }
    }
}
