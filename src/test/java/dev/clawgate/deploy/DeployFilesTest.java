package dev.clawgate.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.clawgate.config.ConfigKeys;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

/** The operator files under {@code deploy/} are well-formed, complete and keep their promises. */
class DeployFilesTest {
    private static final Path DEPLOY = Path.of("deploy");

    private static String read(String file) throws Exception {
        return Files.readString(DEPLOY.resolve(file));
    }

    private static org.w3c.dom.Document parse(String file) throws Exception {
        DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
        f.setFeature("http://apache.org/xml/features/nonvalidating/load-external-dtd", false);
        return f.newDocumentBuilder().parse(DEPLOY.resolve(file).toFile());
    }

    @Test
    void theTomcatDescriptorNamesEveryKeyAndOverridesWebXmlWithEachParameter() throws Exception {
        String text = read("tomcat/clawgate.xml");
        for (String key : ConfigKeys.GATEWAY_DEFAULTS.keySet()) {
            assertTrue(text.contains("name=\"" + key + "\""), "tomcat/clawgate.xml lacks " + key);
        }
        NodeList params = parse("tomcat/clawgate.xml").getElementsByTagName("Parameter");
        assertTrue(params.getLength() >= 18);
        for (int i = 0; i < params.getLength(); i++) {
            Element p = (Element) params.item(i);
            assertEquals("false", p.getAttribute("override"), p.getAttribute("name"));
        }
    }

    @Test
    void theJettyContextXmlNamesEveryKeyAndSetsThemAsInitParameters() throws Exception {
        String text = read("jetty/clawgate.xml");
        for (String key : ConfigKeys.GATEWAY_DEFAULTS.keySet()) {
            assertTrue(text.contains(key), "jetty/clawgate.xml lacks " + key);
        }
        org.w3c.dom.Document doc = parse("jetty/clawgate.xml");
        assertEquals("org.eclipse.jetty.ee10.webapp.WebAppContext", doc.getDocumentElement().getAttribute("class"));
        assertTrue(doc.getElementsByTagName("Call").getLength() >= 18);
        NodeList children = doc.getDocumentElement().getChildNodes();
        for (int i = 0; i < children.getLength(); i++) {
            if (children.item(i).getNodeType() == org.w3c.dom.Node.TEXT_NODE) {
                assertEquals("", children.item(i).getTextContent().strip(), "stray text: Jetty's DTD rejects it");
            }
        }
    }

    @Test
    void noShippedDescriptorHoldsALiteralSecret() throws Exception {
        for (String file : List.of("tomcat/clawgate.xml", "jetty/clawgate.xml")) {
            for (String value : secretValues(read(file))) {
                assertTrue(value.startsWith("${env:"), file + " sets a secret literally: " + value);
            }
        }
    }

    private static List<String> secretValues(String text) {
        List<String> values = new ArrayList<>();
        Matcher tomcat = Pattern.compile("name=\"([^\"]+)\" value=\"([^\"]*)\"").matcher(text);
        while (tomcat.find()) {
            if (ConfigKeys.SECRET_KEY.matcher(tomcat.group(1)).matches()) {
                values.add(tomcat.group(2));
            }
        }
        Matcher jetty = Pattern.compile("<Arg>([^<]+)</Arg><Arg>([^<]*)</Arg>").matcher(text);
        while (jetty.find()) {
            if (ConfigKeys.SECRET_KEY.matcher(jetty.group(1)).matches()) {
                values.add(jetty.group(2));
            }
        }
        return values;
    }

    @Test
    void theNginxSiteStreamsUnbufferedOverKeepAliveAndForwardsTheClientAddress() throws Exception {
        String conf = read("nginx/clawgate.conf");
        for (String directive : List.of("proxy_buffering off;", "proxy_http_version 1.1;",
                "proxy_set_header Connection \"\";", "proxy_read_timeout 900s;",
                "proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;",
                "proxy_set_header X-Real-IP $remote_addr;", "proxy_set_header X-Forwarded-Proto $scheme;",
                "allow 10.0.0.0/8;", "deny all;")) {
            assertTrue(conf.contains(directive), "nginx/clawgate.conf lacks " + directive);
        }
    }

    @Test
    void theCaddyfileFlushesEveryChunk() throws Exception {
        assertTrue(read("caddy/Caddyfile").contains("flush_interval -1"));
    }
}
