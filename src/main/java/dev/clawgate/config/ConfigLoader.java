package dev.clawgate.config;

import java.lang.System.Logger.Level;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Builds the {@link GatewayConfig} from its sources, highest first: JVM system properties, servlet context init
 * parameters, the JSON file named by {@code gateway.configFile}, the built-in defaults. Values may contain
 * {@code ${env:NAME}}; {@link ConfigParser} then reads each through its {@link ConfigKey} and checks the rules that
 * span keys. The two gateway secrets fall back to {@code OPENCLAW_GATEWAY_TOKEN} and
 * {@code OPENCLAW_GATEWAY_PASSWORD}. Anything wrong throws a {@link ConfigException} naming the key; nothing here
 * knows about servlets, so the loader is tested without a container.
 */
public final class ConfigLoader {
    private static final System.Logger LOG = System.getLogger(ConfigLoader.class.getName());
    private static final Pattern ENV_REF = Pattern.compile("\\$\\{env:([A-Za-z_][A-Za-z0-9_]*)}");
    private static final Pattern AGENT_KEY = Pattern.compile("agents\\.([^.]+)\\.(.+)");
    private static final Pattern PROVIDER_KEY = Pattern.compile("models\\.providers\\.([^.]+)\\.(.+)");

    private final Map<String, String> systemProperties;
    private final Map<String, String> initParameters;
    private final Function<String, String> env;

    /**
     * @param systemProperties JVM system properties (only {@code gateway.*}, {@code agents.*}, {@code models.*} count:
     *                         the first segments of {@link ConfigKey#all()})
     * @param initParameters   servlet context init parameters (same prefixes)
     * @param env              environment variables, by name
     */
    public ConfigLoader(Map<String, String> systemProperties, Map<String, String> initParameters,
                        Function<String, String> env) {
        this.systemProperties = ours(systemProperties);
        this.initParameters = ours(initParameters);
        this.env = env;
    }

    /** A loader over this JVM's system properties and environment. */
    public static ConfigLoader fromSystem(Map<String, String> initParameters) {
        Map<String, String> props = new LinkedHashMap<>();
        System.getProperties().forEach((k, v) -> props.put(String.valueOf(k), String.valueOf(v)));
        return new ConfigLoader(props, initParameters, System::getenv);
    }

    /** Reads, merges, interpolates and validates; throws {@link ConfigException} on the first bad key. */
    public GatewayConfig load() {
        Map<String, String> merged = new TreeMap<>();
        String fileName = ConfigKeys.CONFIG_FILE;
        Path file = ConfigKey.CONFIG_FILE.parse(fileName, interpolate(fileName,
                systemProperties.getOrDefault(fileName, initParameters.get(fileName))), env);
        if (file != null) {
            JsonConfigFile.read(file).forEach((k, v) -> {
                refuseNearMiss(k);
                if (ignoredOpenClawKey(k) || notOurField(k)) {
                    LOG.log(Level.DEBUG, "clawgate: ignoring OpenClaw key {0}, which has no meaning in a WAR", k);
                } else {
                    merged.put(k, v);
                }
            });
        }
        merged.putAll(initParameters);
        merged.putAll(systemProperties);
        Map<String, String> values = new TreeMap<>();
        merged.forEach((k, v) -> values.put(k, interpolate(k, v)));
        return new ConfigParser(values, env).parse();
    }

    private static Map<String, String> ours(Map<String, String> source) {
        Map<String, String> out = new TreeMap<>();
        source.forEach((k, v) -> {
            if (ConfigKeys.ours(k)) {
                out.put(k, v);
            } else {
                refuseNearMiss(k);
            }
        });
        return out;
    }

    /** A key whose first segment is a typo of one of ours ({@code agent.main.model}) is an error, not silence. */
    private static void refuseNearMiss(String key) {
        String near = ConfigKeys.nearNamespace(key);
        if (near != null) {
            throw new ConfigException(key, "unknown prefix '" + key.substring(0, key.indexOf('.') + 1)
                    + "' (did you mean '" + near + ".'? clawgate's keys start with "
                    + String.join(". ", ConfigKeys.NAMESPACES) + ".)");
        }
    }

    /** An OpenClaw agent or provider field we have no use for (workspace, identity, headers...): JSON file only. */
    private static boolean notOurField(String key) {
        Matcher agent = AGENT_KEY.matcher(key);
        if (!key.equals(ConfigKeys.DEFAULT_AGENT) && agent.matches()) {
            return !ConfigKeys.AGENT_FIELDS.contains(agent.group(2));
        }
        Matcher provider = PROVIDER_KEY.matcher(key);
        return provider.matches() && !ConfigKeys.PROVIDER_FIELDS.contains(provider.group(2));
    }

    private static boolean ignoredOpenClawKey(String key) {
        for (String prefix : ConfigKeys.IGNORED_OPENCLAW_PREFIXES) {
            if (key.equals(prefix) || key.startsWith(prefix + ".")) {
                return true;
            }
        }
        return key.startsWith("agents.defaults.") || key.startsWith("models.providers.") && key.contains(".models")
                || !(key.startsWith("gateway.") || key.startsWith("agents.") || key.startsWith("models.providers.")
                        || key.startsWith("mcp.servers."));
    }

    private String interpolate(String key, String value) {
        if (value == null || !value.contains("${")) {
            return value;
        }
        Matcher m = ENV_REF.matcher(value);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            String resolved = env.apply(m.group(1));
            if (resolved == null) {
                throw new ConfigException(key, "refers to environment variable " + m.group(1) + ", which is not set");
            }
            m.appendReplacement(out, Matcher.quoteReplacement(resolved));
        }
        m.appendTail(out);
        return out.toString();
    }
}
