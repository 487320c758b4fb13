package dev.clawgate.launch;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.lang.reflect.InvocationTargetException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Enumeration;
import java.util.List;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;

/**
 * The WAR's {@code Main-Class}: {@code java -jar clawgate.war check <file>} without a servlet container. It sits at
 * the WAR's root (compiled on its own, Java 17, no dependencies) because a WAR keeps its classes under
 * {@code WEB-INF/classes}, where {@code java -jar} does not look: it copies {@code WEB-INF/classes/} and
 * {@code WEB-INF/lib/*.jar} of the WAR it was started from into a temporary directory, loads them in a class loader
 * of their own and calls {@code dev.clawgate.config.ConfigCheck.run}, whose exit code it returns (0 valid, 1 invalid,
 * 2 usage). The temporary directory is deleted before the JVM exits. Log lines (a warning at load) are printed on
 * one line each, as {@code LEVEL: message}.
 */
public final class WarLauncher {
    private static final String CHECK = "dev.clawgate.config.ConfigCheck";
    private static final String USAGE = "usage: java -jar clawgate.war check <context descriptor | Jetty context XML"
            + " | openclaw.json>";

    private WarLauncher() {
    }

    public static void main(String[] args) {
        System.exit(run(args, System.out, System.err));
    }

    static int run(String[] args, PrintStream out, PrintStream err) {
        if (args.length == 0 || !args[0].equals("check")) {
            err.println(USAGE);
            return 2;
        }
        if (System.getProperty("java.util.logging.SimpleFormatter.format") == null) {
            System.setProperty("java.util.logging.SimpleFormatter.format", "%4$s: %5$s%6$s%n");
        }
        Path dir = null;
        try {
            Path war = Path.of(WarLauncher.class.getProtectionDomain().getCodeSource().getLocation().toURI());
            dir = Files.createTempDirectory("clawgate-check-");
            List<URL> urls = extract(war, dir);
            ClassLoader previous = Thread.currentThread().getContextClassLoader();
            try (URLClassLoader loader = new URLClassLoader(urls.toArray(URL[]::new),
                    ClassLoader.getPlatformClassLoader())) {
                Thread.currentThread().setContextClassLoader(loader); // JSON-P finds Parsson through it
                Object code = loader.loadClass(CHECK)
                        .getMethod("run", String[].class, PrintStream.class, PrintStream.class)
                        .invoke(null, args, out, err);
                return (Integer) code;
            } finally {
                Thread.currentThread().setContextClassLoader(previous);
            }
        } catch (InvocationTargetException e) {
            err.println("clawgate check: failed: " + e.getCause());
            return 1;
        } catch (Exception e) {
            err.println("clawgate check: cannot run from this file (is it clawgate.war?): " + e);
            return 1;
        } finally {
            delete(dir);
        }
    }

    /** Copies the WAR's classes and libraries under {@code dir}; the class path over them, classes first. */
    private static List<URL> extract(Path war, Path dir) throws IOException {
        List<URL> jars = new ArrayList<>();
        Path classes = dir.resolve("WEB-INF/classes");
        try (ZipFile zip = new ZipFile(war.toFile())) {
            Enumeration<? extends ZipEntry> entries = zip.entries();
            while (entries.hasMoreElements()) {
                ZipEntry e = entries.nextElement();
                String name = e.getName();
                boolean lib = name.startsWith("WEB-INF/lib/") && name.endsWith(".jar") && name.indexOf('/', 12) < 0;
                if (e.isDirectory() || !(lib || name.startsWith("WEB-INF/classes/"))) {
                    continue;
                }
                Path target = dir.resolve(name).normalize();
                if (!target.startsWith(dir)) {
                    continue; // an entry that would land outside the directory
                }
                Files.createDirectories(target.getParent());
                try (InputStream in = zip.getInputStream(e)) {
                    Files.copy(in, target, StandardCopyOption.REPLACE_EXISTING);
                }
                if (lib) {
                    jars.add(target.toUri().toURL());
                }
            }
        }
        if (!Files.isDirectory(classes)) {
            throw new IOException("no WEB-INF/classes in " + war);
        }
        List<URL> urls = new ArrayList<>();
        urls.add(classes.toUri().toURL());
        urls.addAll(jars);
        return urls;
    }

    private static void delete(Path dir) {
        if (dir == null) {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException ignored) {
            // a temporary directory left behind
        }
    }
}
