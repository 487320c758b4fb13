package dev.clawgate.upstream;

import dev.clawgate.config.GatewayConfig;
import dev.clawgate.config.GatewayConfig.ProviderSpec;
import dev.clawgate.time.Scheduler;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.Map;

/** The providers of a gateway, by name, built once from the configuration and closed at undeploy. */
public final class ProviderRegistry implements AutoCloseable {
    private final Map<String, ChatProvider> providers;
    private final Map<String, ProviderSpec> specs;

    /** Providers without configuration: no retries. */
    public ProviderRegistry(Map<String, ChatProvider> providers) {
        this(providers, Map.of());
    }

    /** @param specs the configuration of each provider, by name (retries); a provider without one is not retried */
    public ProviderRegistry(Map<String, ChatProvider> providers, Map<String, ProviderSpec> specs) {
        this.providers = Map.copyOf(providers);
        this.specs = Map.copyOf(specs);
    }

    /**
     * Builds every configured provider; the built-in {@code echo} is always there. When one cannot be built, the ones
     * built before it are closed before the error is thrown.
     *
     * @param scheduler the gateway's shared timer (echo pacing, upstream silence timeouts)
     * @param clock     the gateway's clock
     */
    public static ProviderRegistry create(GatewayConfig config, Scheduler scheduler, Clock clock) {
        Map<String, ChatProvider> out = new LinkedHashMap<>();
        try {
            for (ProviderSpec spec : config.providers().values()) {
                out.put(spec.name(), switch (spec.api()) {
                    case "echo" -> new EchoProvider(scheduler, spec.wordDelayMs());
                    case "openai-completions" -> new OpenAiCompatibleProvider(spec, scheduler, clock);
                    default -> throw new IllegalStateException("no provider for api " + spec.api());
                });
            }
        } catch (RuntimeException e) {
            // a provider that could not be built: stop the ones that were (their client threads)
            try {
                new ProviderRegistry(out).close();
            } catch (RuntimeException closing) {
                e.addSuppressed(closing);
            }
            throw e;
        }
        return new ProviderRegistry(out, config.providers());
    }

    /** The provider of that name; the configuration guarantees every agent's provider exists. */
    public ChatProvider get(String name) {
        ChatProvider p = providers.get(name);
        if (p == null) {
            throw new IllegalArgumentException("no provider " + name);
        }
        return p;
    }

    /** {@code models.providers.<name>.maxRetries} [0]. */
    public int maxRetries(String name) {
        ProviderSpec spec = specs.get(name);
        return spec == null ? 0 : spec.maxRetries();
    }

    /** {@code models.providers.<name>.retryMaxWaitMs} [2000], ms. */
    public long retryMaxWaitMs(String name) {
        ProviderSpec spec = specs.get(name);
        return spec == null ? 2_000 : spec.retryMaxWaitMs();
    }

    /** Whether a provider of that name exists. */
    public boolean has(String name) {
        return providers.containsKey(name);
    }

    /** Closes every provider (each cancels its runs and stops its threads), even when one of them fails. */
    @Override
    public void close() {
        RuntimeException first = null;
        for (ChatProvider p : providers.values()) {
            try {
                p.close();
            } catch (RuntimeException e) {
                if (first == null) {
                    first = e;
                } else {
                    first.addSuppressed(e);
                }
            }
        }
        if (first != null) {
            throw first;
        }
    }
}
