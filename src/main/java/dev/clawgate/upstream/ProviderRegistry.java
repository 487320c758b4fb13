package dev.clawgate.upstream;

import dev.clawgate.config.GatewayConfig;
import dev.clawgate.config.GatewayConfig.ProviderSpec;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ScheduledExecutorService;

/** The providers of a gateway, by name, built once from the configuration and closed at undeploy. */
public final class ProviderRegistry implements AutoCloseable {
    private final Map<String, ChatProvider> providers;

    public ProviderRegistry(Map<String, ChatProvider> providers) {
        this.providers = Map.copyOf(providers);
    }

    /** Builds every configured provider; the built-in {@code echo} is always there. */
    public static ProviderRegistry create(GatewayConfig config, ScheduledExecutorService scheduler) {
        Map<String, ChatProvider> out = new LinkedHashMap<>();
        for (ProviderSpec spec : config.providers().values()) {
            out.put(spec.name(), switch (spec.api()) {
                case "echo" -> new EchoProvider(scheduler, spec.wordDelayMs());
                default -> throw new IllegalStateException("no provider for api " + spec.api());
            });
        }
        return new ProviderRegistry(out);
    }

    /** The provider of that name; the configuration guarantees every agent's provider exists. */
    public ChatProvider get(String name) {
        ChatProvider p = providers.get(name);
        if (p == null) {
            throw new IllegalArgumentException("no provider " + name);
        }
        return p;
    }

    @Override
    public void close() {
        providers.values().forEach(ChatProvider::close);
    }
}
