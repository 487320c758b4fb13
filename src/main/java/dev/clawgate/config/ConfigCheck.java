package dev.clawgate.config;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Function;
import javax.xml.XMLConstants;
import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.parsers.ParserConfigurationException;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.Node;
import org.w3c.dom.NodeList;
import org.xml.sax.SAXException;
import org.xml.sax.SAXParseException;
import org.xml.sax.helpers.DefaultHandler;

/**
 * {@code java -jar clawgate.war check <file>}: validates a configuration before it goes live, with exactly the
 * validation and messages of start-up ({@link ConfigLoader}), and no servlet container. The file is one of
 *
 * <ul>
 *   <li>a Tomcat context descriptor ({@code <Context>} with {@code <Parameter name="…" value="…"/>} children),</li>
 *   <li>a Jetty context XML ({@code <Configure>} with {@code <Call name="setInitParameter"><Arg>key</Arg>
 *       <Arg>value</Arg></Call>} children; an {@code <Arg>}'s text is its value),</li>
 *   <li>an {@code openclaw.json}-shaped file (what {@code gateway.configFile} names).</li>
 * </ul>
 *
 * <p>The values are checked as the container would pass them, together with this process's environment
 * ({@code OPENCLAW_GATEWAY_TOKEN}, {@code ${env:NAME}}) and {@code -D} system properties of our keys: run it with the
 * container's environment (e.g. after sourcing {@code bin/setenv.sh}). Prints one line and exits 0 when the
 * configuration is valid; else prints {@code clawgate: invalid configuration: <key>: <problem>} (the start-up line,
 * never a secret's value) and exits 1. A file that cannot be read or parsed, or is none of the three shapes, is 1
 * with its reason; a wrong command line is 2. Comments are ignored (a commented-out parameter is not set). The XML
 * parser fetches no DTD and expands no external entity. Files over {@value #MAX_BYTES} bytes are refused.
 */
public final class ConfigCheck {
    /** Largest file checked, bytes. */
    static final int MAX_BYTES = 4 * 1024 * 1024;
    static final String USAGE = "usage: java -jar clawgate.war check <context descriptor | Jetty context XML"
            + " | openclaw.json>";

    private ConfigCheck() {
    }

    /**
     * Runs the command line {@code check <file>}.
     *
     * @return the exit code: 0 valid, 1 invalid or unreadable, 2 usage
     */
    public static int run(String[] args, PrintStream out, PrintStream err) {
        Map<String, String> props = new LinkedHashMap<>();
        System.getProperties().forEach((k, v) -> props.put(String.valueOf(k), String.valueOf(v)));
        return run(args, out, err, props, System::getenv);
    }

    /** {@link #run(String[], PrintStream, PrintStream)} over the given system properties and environment. */
    static int run(String[] args, PrintStream out, PrintStream err, Map<String, String> systemProperties,
                   Function<String, String> env) {
        if (args.length != 2 || !args[0].equals("check")) {
            err.println(USAGE);
            return 2;
        }
        Path file = Path.of(args[1]);
        Map<String, String> params;
        try {
            params = parameters(file);
        } catch (IllegalArgumentException e) {
            err.println("clawgate check: " + file + ": " + e.getMessage());
            return 1;
        }
        try {
            GatewayConfig c = new ConfigLoader(systemProperties, params, env).load();
            out.println("clawgate check: " + file + ": valid (" + params.size() + " parameters; endpoint "
                    + (c.chatCompletionsEnabled() ? "enabled" : "disabled") + "; agents " + c.agents().keySet()
                    + ", default " + c.defaultAgent() + "; auth.secret "
                    + (c.auth().expectedSecret() == null ? "unset" : "set") + ")");
            return 0;
        } catch (ConfigException e) {
            err.println("clawgate: invalid configuration: " + e.getMessage());
            return 1;
        }
    }

    /** The init parameters {@code file} gives the gateway. */
    static Map<String, String> parameters(Path file) {
        byte[] bytes;
        try {
            if (!Files.isRegularFile(file)) {
                throw new IllegalArgumentException("not a readable file");
            }
            if (Files.size(file) > MAX_BYTES) {
                throw new IllegalArgumentException("larger than " + MAX_BYTES + " bytes");
            }
            bytes = Files.readAllBytes(file);
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot be read (" + e.getClass().getSimpleName() + ")");
        }
        String text = new String(bytes, StandardCharsets.UTF_8).replace("\uFEFF", "").stripLeading();
        if (text.startsWith("{")) {
            Map<String, String> params = new LinkedHashMap<>();
            params.put(ConfigKeys.CONFIG_FILE, file.toAbsolutePath().toString());
            return params;
        }
        if (!text.startsWith("<")) {
            throw new IllegalArgumentException("neither XML (a Tomcat <Context> or Jetty <Configure>) nor JSON");
        }
        Element root = parse(file).getDocumentElement();
        return switch (root.getTagName()) {
            case "Context" -> tomcat(root);
            case "Configure" -> jetty(root);
            default -> throw new IllegalArgumentException("root element <" + root.getTagName()
                    + "> is neither a Tomcat <Context> nor a Jetty <Configure>");
        };
    }

    private static Map<String, String> tomcat(Element context) {
        Map<String, String> params = new LinkedHashMap<>();
        for (Element p : children(context, "Parameter")) {
            if (!p.hasAttribute("name")) {
                throw new IllegalArgumentException("a <Parameter> without a name attribute");
            }
            params.put(p.getAttribute("name"), p.getAttribute("value"));
        }
        return params;
    }

    private static Map<String, String> jetty(Element configure) {
        Map<String, String> params = new LinkedHashMap<>();
        for (Element call : children(configure, "Call")) {
            if (!call.getAttribute("name").equals("setInitParameter")) {
                continue;
            }
            java.util.List<Element> args = children(call, "Arg");
            if (args.size() != 2) {
                throw new IllegalArgumentException("a setInitParameter call without exactly two <Arg>s");
            }
            params.put(args.get(0).getTextContent().strip(), args.get(1).getTextContent());
        }
        return params;
    }

    private static java.util.List<Element> children(Element parent, String tag) {
        java.util.List<Element> out = new java.util.ArrayList<>();
        NodeList nodes = parent.getChildNodes();
        for (int i = 0; i < nodes.getLength(); i++) {
            Node n = nodes.item(i);
            if (n instanceof Element e && e.getTagName().equals(tag)) {
                out.add(e);
            }
        }
        return out;
    }

    private static Document parse(Path file) {
        try {
            DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
            f.setFeature(XMLConstants.FEATURE_SECURE_PROCESSING, true);
            f.setFeature("http://apache.org/xml/features/nonvalidating/load-external-dtd", false);
            f.setFeature("http://xml.org/sax/features/external-general-entities", false);
            f.setFeature("http://xml.org/sax/features/external-parameter-entities", false);
            f.setXIncludeAware(false);
            f.setExpandEntityReferences(false);
            f.setIgnoringComments(true);
            var builder = f.newDocumentBuilder();
            builder.setErrorHandler(new DefaultHandler()); // throws on fatal errors, prints nothing
            return builder.parse(file.toFile());
        } catch (SAXParseException e) {
            throw new IllegalArgumentException("not well-formed XML at line " + e.getLineNumber() + ": "
                    + e.getMessage());
        } catch (SAXException | IOException | ParserConfigurationException e) {
            throw new IllegalArgumentException("not well-formed XML: " + e.getMessage());
        }
    }
}
