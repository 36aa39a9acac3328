package io.vigia.balancer.logging;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.JsonEncoder;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.encoder.Encoder;
import io.vigia.balancer.accesslog.AccessLog;
import io.vigia.balancer.accesslog.AccessLogFormat;
import org.slf4j.LoggerFactory;

/**
 * Adds the access log's own files to the logger {@value AccessLog#LOGGER_NAME}: {@code LOG_DIR/access.log}
 * for the text format, {@code LOG_DIR/access.json.log} for JSON. A file rolls daily and at 50 MB, and rolled
 * files are compressed and kept 14 days, at most 1 GB in all.
 *
 * <p>Lines pass through an {@link ch.qos.logback.classic.AsyncAppender} with a queue of 65536 lines. The
 * access log is never rate-limited, and event loops never wait for the disk: only when that queue is full,
 * because the disk cannot keep up, are new lines dropped.
 *
 * <p>Only a context that {@link BalancerLogConfigurator} configured is changed. A Logback configuration file
 * given by the user decides on its own where {@value AccessLog#LOGGER_NAME} goes.
 */
public final class AccessLogFiles {

    private static final String TEXT_PATTERN = "%d{yyyy-MM-dd'T'HH:mm:ss.SSSXXX} %msg%n";
    private static final int QUEUE_SIZE = 65536;

    private AccessLogFiles() {
    }

    /**
     * Sends the access log to its file in {@code format}; called once, at start-up, with the access log on.
     *
     * @return whether the appender was added, false when another configuration is in charge of logging
     */
    public static synchronized boolean attach(AccessLogFormat format) {
        if (!(LoggerFactory.getILoggerFactory() instanceof LoggerContext context)
                || context.getProperty(BalancerLogConfigurator.CONFIGURED_BY) == null) {
            return false;
        }
        Logger logger = context.getLogger(AccessLog.LOGGER_NAME);
        if (logger.iteratorForAppenders().hasNext()) {
            return false;
        }
        String dir = BalancerLogConfigurator.logDir();
        String base = format == AccessLogFormat.JSON ? "access.json" : "access";
        Encoder<ILoggingEvent> encoder = format == AccessLogFormat.JSON
                ? jsonEncoder(context)
                : BalancerLogConfigurator.pattern(context, TEXT_PATTERN);
        var file = BalancerLogConfigurator.rollingFile(context, "ACCESS", dir + "/" + base + ".log",
                dir + "/" + base + ".%d{yyyy-MM-dd}.%i.log.gz", "50MB", "1GB", encoder);
        logger.setAdditive(false);
        logger.addAppender(BalancerLogConfigurator.async(context, "ASYNC_ACCESS", file, QUEUE_SIZE));
        return true;
    }

    /** Creates the encoder of one JSON object per line: the epoch-millisecond {@code timestamp} and the key-value pairs. */
    private static JsonEncoder jsonEncoder(LoggerContext context) {
        JsonEncoder encoder = new JsonEncoder();
        encoder.setContext(context);
        encoder.setWithSequenceNumber(false);
        encoder.setWithNanoseconds(false);
        encoder.setWithLevel(false);
        encoder.setWithThreadName(false);
        encoder.setWithLoggerName(false);
        encoder.setWithContext(false);
        encoder.setWithMarkers(false);
        encoder.setWithMDC(false);
        encoder.setWithMessage(false);
        encoder.setWithArguments(false);
        encoder.setWithThrowable(false);
        encoder.setWithFormattedMessage(false);
        encoder.start();
        return encoder;
    }
}
