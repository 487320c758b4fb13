package dev.clawgate;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

/** The {@code java.util.logging} records of one logger (and below) at or above a level, until closed. */
public final class JulCapture extends Handler implements AutoCloseable {
    private final Logger logger;
    private final List<LogRecord> records = new CopyOnWriteArrayList<>();

    private JulCapture(String loggerName, Level level) {
        this.logger = Logger.getLogger(loggerName);
        setLevel(level);
        logger.addHandler(this);
    }

    /** Starts capturing {@code loggerName}'s records of {@code level} and above. */
    public static JulCapture of(String loggerName, Level level) {
        return new JulCapture(loggerName, level);
    }

    /** The records so far, in order. */
    public List<LogRecord> records() {
        return List.copyOf(records);
    }

    /** The messages so far, in order. */
    public List<String> messages() {
        return records.stream().map(LogRecord::getMessage).toList();
    }

    @Override
    public void publish(LogRecord r) {
        if (isLoggable(r)) {
            records.add(r);
        }
    }

    @Override
    public void flush() {
    }

    @Override
    public void close() {
        logger.removeHandler(this);
    }
}
