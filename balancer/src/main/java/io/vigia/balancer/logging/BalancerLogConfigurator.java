package io.vigia.balancer.logging;

import ch.qos.logback.classic.AsyncAppender;
import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.spi.Configurator;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.Appender;
import ch.qos.logback.core.ConsoleAppender;
import ch.qos.logback.core.encoder.Encoder;
import ch.qos.logback.core.rolling.RollingFileAppender;
import ch.qos.logback.core.rolling.SizeAndTimeBasedRollingPolicy;
import ch.qos.logback.core.spi.ContextAwareBase;
import ch.qos.logback.core.util.FileSize;
import ch.qos.logback.core.util.StatusPrinter2;

/**
 * The balancer's built-in Logback configuration, found by Logback through {@code java.util.ServiceLoader}
 * when it starts: INFO and up to the console and to {@code LOG_DIR/balancer.log}, both behind an
 * {@link AsyncAppender} with {@code neverBlock} set, so event loops do not wait for a slow terminal or
 * disk. When its queue is full, new events are dropped. {@code LOG_DIR} is {@code logs} unless
 * {@value #LOG_DIR_PROPERTY} names another. The file rolls daily and at 10 MB, and rolled files are
 * compressed and kept 14 days, at most 500 MB in all.
 *
 * <p>It is written in Java rather than in a {@code logback.xml} because Logback's XML configuration loads
 * about 600 classes (with the XML parser), and on the benchmark machine it added about 150 ms to a start.
 * A Logback configuration file still wins: with {@code -Dlogback.configurationFile=FILE}, or a
 * {@code logback-test.xml} or {@code logback.xml} on the class path, this configurator steps aside and
 * Logback reads that file.
 *
 * <p>The access log is not configured here: {@link AccessLogFiles#attach} adds its appender when the
 * balancer starts with the access log on.
 */
public final class BalancerLogConfigurator extends ContextAwareBase implements Configurator {

    /** System property naming the directory of the log files. */
    public static final String LOG_DIR_PROPERTY = "vigia.log.dir";
    /** Context property that marks a context configured by this class, so the access log may add to it. */
    static final String CONFIGURED_BY = "vigia.logging";

    private static final String CONSOLE_PATTERN = "%d{HH:mm:ss.SSS} %-5level [%thread] %logger{36} - %msg%n";
    private static final String FILE_PATTERN = "%d{yyyy-MM-dd'T'HH:mm:ss.SSSXXX} %-5level [%thread] %logger - %msg%n";
    private static final int QUEUE_SIZE = 8192;

    @Override
    public ExecutionStatus configure(LoggerContext context) {
        if (hasConfigurationFile()) {
            return ExecutionStatus.INVOKE_NEXT_IF_ANY;
        }
        ConsoleAppender<ILoggingEvent> console = new ConsoleAppender<>();
        console.setContext(context);
        console.setName("CONSOLE");
        console.setEncoder(pattern(context, CONSOLE_PATTERN));
        console.start();

        String dir = logDir();
        RollingFileAppender<ILoggingEvent> file = rollingFile(context, "FILE", dir + "/balancer.log",
                dir + "/balancer.%d{yyyy-MM-dd}.%i.log.gz", "10MB", "500MB", pattern(context, FILE_PATTERN));

        Logger root = context.getLogger(Logger.ROOT_LOGGER_NAME);
        root.setLevel(Level.INFO);
        root.addAppender(async(context, "ASYNC_CONSOLE", console, QUEUE_SIZE));
        root.addAppender(async(context, "ASYNC_FILE", file, QUEUE_SIZE));
        context.getLogger("io.netty").setLevel(Level.WARN);
        context.putProperty(CONFIGURED_BY, getClass().getName());
        new StatusPrinter2().printInCaseOfErrorsOrWarnings(context);
        return ExecutionStatus.DO_NOT_INVOKE_NEXT_IF_ANY;
    }

    /** Returns whether the user or the class path gives Logback a configuration file, which then takes precedence. */
    private static boolean hasConfigurationFile() {
        ClassLoader loader = BalancerLogConfigurator.class.getClassLoader();
        return System.getProperty("logback.configurationFile") != null
                || loader.getResource("logback-test.xml") != null
                || loader.getResource("logback.xml") != null;
    }

    static String logDir() {
        return System.getProperty(LOG_DIR_PROPERTY, "logs");
    }

    static PatternLayoutEncoder pattern(LoggerContext context, String pattern) {
        PatternLayoutEncoder encoder = new PatternLayoutEncoder();
        encoder.setContext(context);
        encoder.setPattern(pattern);
        encoder.start();
        return encoder;
    }

    /** Creates and starts a file appender that rolls daily and at {@code maxFileSize}, keeping 14 days of files. */
    static RollingFileAppender<ILoggingEvent> rollingFile(LoggerContext context, String name, String path,
                                                          String rolledPattern, String maxFileSize,
                                                          String totalSizeCap, Encoder<ILoggingEvent> encoder) {
        RollingFileAppender<ILoggingEvent> appender = new RollingFileAppender<>();
        appender.setContext(context);
        appender.setName(name);
        appender.setFile(path);
        appender.setEncoder(encoder);

        SizeAndTimeBasedRollingPolicy<ILoggingEvent> policy = new SizeAndTimeBasedRollingPolicy<>();
        policy.setContext(context);
        policy.setParent(appender);
        policy.setFileNamePattern(rolledPattern);
        policy.setMaxFileSize(FileSize.valueOf(maxFileSize));
        policy.setMaxHistory(14);
        policy.setTotalSizeCap(FileSize.valueOf(totalSizeCap));
        policy.start();

        appender.setRollingPolicy(policy);
        appender.start();
        return appender;
    }

    /**
     * Creates and starts an {@link AsyncAppender} in front of {@code target}, with {@code neverBlock} set and
     * no discarding threshold. It drops no event of any level until its queue is full, then drops new ones.
     */
    static AsyncAppender async(LoggerContext context, String name, Appender<ILoggingEvent> target, int queueSize) {
        AsyncAppender async = new AsyncAppender();
        async.setContext(context);
        async.setName(name);
        async.setQueueSize(queueSize);
        async.setDiscardingThreshold(0);
        async.setNeverBlock(true);
        async.addAppender(target);
        async.start();
        return async;
    }
}
