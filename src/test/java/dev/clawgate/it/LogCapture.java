package dev.clawgate.it;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import java.util.logging.SimpleFormatter;

/** Captures the formatted JUL records of logger {@code dev.clawgate} (and below) at or above a level, until closed. */
final class LogCapture extends Handler implements AutoCloseable {
    private final Logger logger = Logger.getLogger("dev.clawgate");
    private final Level previousLevel = logger.getLevel();
    private final SimpleFormatter formatter = new SimpleFormatter();
    private final List<String> lines = new CopyOnWriteArrayList<>();

    private LogCapture(Level level) {
        setLevel(level);
        if (level.intValue() < Level.INFO.intValue()) {
            logger.setLevel(level);
        }
        logger.addHandler(this);
    }

    /** Starts capturing records of {@code level} and above (lowering the logger's level when needed). */
    static LogCapture atLeast(Level level) {
        return new LogCapture(level);
    }

    /** The records so far: message with its parameters filled in, plus any stack trace. */
    List<String> lines() {
        return List.copyOf(lines);
    }

    @Override
    public void publish(LogRecord r) {
        if (isLoggable(r)) {
            lines.add(formatter.formatMessage(r) + (r.getThrown() == null ? "" : " " + formatter.format(r)));
        }
    }

    @Override
    public void flush() {
    }

    @Override
    public void close() {
        logger.removeHandler(this);
        logger.setLevel(previousLevel);
    }
}
