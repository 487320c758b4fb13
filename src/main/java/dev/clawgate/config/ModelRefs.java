package dev.clawgate.config;

import dev.clawgate.config.GatewayConfig.ModelRef;
import dev.clawgate.config.GatewayConfig.ProviderSpec;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Reads {@code <provider>/<model>} values of agent keys ({@code model}, {@code fallbacks}, {@code allowedModels},
 * {@code embeddingModel}) into {@link ModelRef}s, each naming a configured provider.
 */
final class ModelRefs {
    private ModelRefs() {
    }

    /** The entries of list key {@code key} of agent {@code id}: at most {@code max}, each checked by {@link #one}. */
    static List<ModelRef> list(ConfigKey<?> key, String id, List<String> entries, Map<String, ProviderSpec> providers,
                               boolean wildcard, int max) {
        if (entries.size() > max) {
            throw new ConfigException(key.nameFor(id), "lists more than " + max + " models");
        }
        List<ModelRef> out = new ArrayList<>(entries.size());
        for (String entry : entries) {
            out.add(one(key, id, entry, providers, wildcard));
        }
        return out;
    }

    /** {@code <provider>/<model>} of a configured provider ({@code <provider>/*} only where {@code wildcard}). */
    static ModelRef one(ConfigKey<?> key, String id, String text, Map<String, ProviderSpec> providers,
                        boolean wildcard) {
        String name = key.nameFor(id);
        ModelRef ref = ModelRef.parse(text);
        if (ref == null || ref.provider().isEmpty() || ref.model().isEmpty()) {
            throw new ConfigException(name, "must be <provider>/<model>, not '" + text.trim() + "'");
        }
        if (ref.wildcard() && !wildcard) {
            throw new ConfigException(name, "names no model ('" + text.trim() + "'); * is for allowedModels only");
        }
        if (!providers.containsKey(ref.provider())) {
            throw new ConfigException(name, "names provider '" + ref.provider()
                    + "', which is not configured (add " + ConfigKey.PROVIDER_BASE_URL.nameFor(ref.provider()) + ")");
        }
        return ref;
    }
}
