package dev.clawgate.config;

import dev.clawgate.config.Access.ClientPolicy;
import jakarta.json.Json;
import jakarta.json.JsonException;
import jakarta.json.JsonObject;
import jakarta.json.JsonValue;
import java.io.ByteArrayInputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The keys file ({@code gateway.auth.keysFile}): {@code {"keys":{"<name>":{"sha256":"…","agents":["main"],
 * "requestsPerMinute":60,"tokensPerMinute":0,"tokensPerDay":100000,"expiresAt":"2026-12-31","enabled":true}}}},
 * the fields of {@code gateway.auth.keys.<name>.*} (an array of agents or a comma-separated string). Its keys are
 * merged over the declared ones: a name in the file replaces the declared key of that name. The whole file is
 * checked as the configuration is (names, digests, agents, numbers, dates; no two keys with one digest); a file that
 * fails is refused whole, with one {@link ConfigException} naming the field, never quoting a digest.
 */
public final class KeysFile {
    /** Largest keys file read, bytes (about 3,000 keys). */
    public static final int MAX_BYTES = 1_048_576;
    private static final String PREFIX = "gateway.auth.";

    private KeysFile() {
    }

    /**
     * The keys in effect with this file content: the declared keys of {@code config}, then the file's.
     *
     * @throws ConfigException naming {@code gateway.auth.keysFile} or the field at fault
     */
    public static Map<String, ClientPolicy> merge(byte[] content, GatewayConfig config) {
        String file = ConfigKeys.KEYS_FILE;
        if (content.length > MAX_BYTES) {
            throw new ConfigException(file, "the file is larger than " + MAX_BYTES + " bytes");
        }
        JsonValue root;
        try {
            root = Json.createReader(new InputStreamReader(new ByteArrayInputStream(content),
                    StandardCharsets.UTF_8)).readValue();
        } catch (JsonException e) {
            throw new ConfigException(file, "the file is not valid JSON");
        }
        if (!(root instanceof JsonObject object) || object.size() != 1
                || !(object.get("keys") instanceof JsonObject keys)) {
            throw new ConfigException(file, "the file must hold one object {\"keys\":{\"<name>\":{...}}}");
        }
        Map<String, String> flat = new LinkedHashMap<>();
        JsonConfigFile.flatten(PREFIX + "keys", keys, flat);
        for (String key : flat.keySet()) {
            if (!ConfigKey.find(key).map(k -> k.name().startsWith(PREFIX + "keys.<name>.")).orElse(false)) {
                throw new ConfigException(key, "unknown field in the keys file (known: "
                        + String.join(", ", ConfigKeys.KEY_FIELDS) + ")");
            }
        }
        AccessParser parser = new AccessParser(name -> null, config.agents().keySet());
        Map<String, ClientPolicy> merged = new LinkedHashMap<>(config.access().keys());
        merged.putAll(parser.keys(flat));
        Map<String, String> digests = new HashMap<>();
        merged.values().forEach(k -> {
            String other = digests.put(k.sha256().reveal(), k.name());
            if (other != null) {
                throw new ConfigException(ConfigKey.KEY_SHA256.nameFor(k.name()), "is the digest of key '" + other
                        + "' too; keys must differ");
            }
        });
        return merged;
    }
}
