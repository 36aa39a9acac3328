package io.vigia.balancer;

import ch.qos.logback.classic.LoggerContext;
import io.vigia.balancer.accesslog.AccessLogFormat;
import io.vigia.balancer.config.ConfigFile;
import io.vigia.core.cli.LocalizedParameterExceptionHandler;
import io.vigia.core.cli.UserLanguage;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStreamWriter;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.text.MessageFormat;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.MissingResourceException;
import java.util.Properties;
import java.util.ResourceBundle;
import java.util.concurrent.Callable;
import java.util.function.Consumer;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * Command-line entry point of the balancer: parses and validates the options, starts a
 * {@link BalancerServer} and runs it until the JVM is asked to stop (SIGTERM, Ctrl-C), when a shutdown
 * hook drains it.
 *
 * <p>Settings come from the defaults, then the YAML file of {@code --config}, then the options given on
 * the command line, each overriding the one before. With a file, SIGHUP or {@code POST /admin/reload} on the
 * admin port re-reads it; see {@link ConfigReloader}.
 *
 * <p>Exit status: 0 after a requested stop (a JVM stopped by a signal reports the signal's status
 * instead), 2 for an invalid option, 1 when the server cannot start, for example because the port is
 * in use. Help, errors and the version print in Spanish or English, chosen by {@code --lang} or else the
 * system locale; logs are always English.
 */
@Command(name = "vigia-balancer", mixinStandardHelpOptions = true, versionProvider = Balancer.VersionProvider.class,
        sortOptions = false, usageHelpAutoWidth = true)
public final class Balancer implements Callable<Integer> {

    static final String MESSAGES = "io.vigia.balancer.BalancerMessages";

    @Spec
    private CommandSpec spec;

    @Option(names = "--config", paramLabel = "FILE", descriptionKey = "config")
    private Path configFile;

    @Option(names = "--host", paramLabel = "HOST", descriptionKey = "host")
    private String host = BalancerConfig.DEFAULT_HOST;

    // The ports are read as text so that a non-number gets the port range in its message, not the int range.
    @Option(names = "--port", paramLabel = "PORT", descriptionKey = "port")
    private String port;

    @Parameters(index = "0", arity = "0..1", paramLabel = "PORT", descriptionKey = "port.positional")
    private String positionalPort;

    @Option(names = "--backends", split = ",", paramLabel = "HOST:PORT", descriptionKey = "backends")
    private List<String> backendLists = new ArrayList<>();

    @Option(names = "--backend", paramLabel = "HOST:PORT", descriptionKey = "backend")
    private List<String> backendItems = new ArrayList<>();

    @Option(names = "--probe-interval-ms", paramLabel = "MS", descriptionKey = "probe-interval")
    private long probeIntervalMillis = BalancerConfig.DEFAULT_PROBE_INTERVAL_MILLIS;

    @Option(names = "--probe-timeout-ms", paramLabel = "MS", descriptionKey = "probe-timeout")
    private long probeTimeoutMillis = BalancerConfig.DEFAULT_PROBE_TIMEOUT_MILLIS;

    @Option(names = "--probe-path", paramLabel = "PATH", descriptionKey = "probe-path")
    private String probePath = BalancerConfig.DEFAULT_PROBE_PATH;

    @Option(names = "--rise", paramLabel = "N", descriptionKey = "rise")
    private int rise = BalancerConfig.DEFAULT_RISE;

    @Option(names = "--fall", paramLabel = "N", descriptionKey = "fall")
    private int fall = BalancerConfig.DEFAULT_FALL;

    @Option(names = "--connect-timeout-ms", paramLabel = "MS", descriptionKey = "connect-timeout")
    private long connectTimeoutMillis = BalancerConfig.DEFAULT_CONNECT_TIMEOUT_MILLIS;

    @Option(names = "--response-timeout-ms", paramLabel = "MS", descriptionKey = "response-timeout")
    private long responseTimeoutMillis = BalancerConfig.DEFAULT_RESPONSE_TIMEOUT_MILLIS;

    @Option(names = "--pool-max-idle-per-backend", paramLabel = "N", descriptionKey = "pool-max-idle")
    private int poolMaxIdlePerBackend = BalancerConfig.DEFAULT_POOL_MAX_IDLE_PER_BACKEND;

    @Option(names = "--recent-errors", paramLabel = "N", descriptionKey = "recent-errors")
    private int recentErrors = BalancerConfig.DEFAULT_RECENT_ERRORS;

    @Option(names = "--threads", paramLabel = "N", descriptionKey = "threads")
    private int threads = Runtime.getRuntime().availableProcessors();

    @Option(names = "--drain-timeout-ms", paramLabel = "MS", descriptionKey = "drain-timeout")
    private long drainTimeoutMillis = BalancerConfig.DEFAULT_DRAIN_TIMEOUT_MILLIS;

    @Option(names = "--access-log", negatable = true, descriptionKey = "access-log")
    private boolean accessLog = BalancerConfig.DEFAULT_ACCESS_LOG_ENABLED;

    @Option(names = "--access-log-format", paramLabel = "text|json", descriptionKey = "access-log-format")
    private String accessLogFormat = BalancerConfig.DEFAULT_ACCESS_LOG_FORMAT.label();

    @Option(names = "--eject-after", paramLabel = "N", descriptionKey = "eject-after")
    private int ejectAfterFailures = BalancerConfig.DEFAULT_EJECT_AFTER_FAILURES;

    @Option(names = "--eject-base-ms", paramLabel = "MS", descriptionKey = "eject-base-ms")
    private long ejectBaseMillis = BalancerConfig.DEFAULT_EJECT_BASE_MILLIS;

    @Option(names = "--eject-max-percent", paramLabel = "PERCENT", descriptionKey = "eject-max-percent")
    private int ejectMaxPercent = BalancerConfig.DEFAULT_EJECT_MAX_PERCENT;

    @Option(names = "--admin-host", paramLabel = "HOST", descriptionKey = "admin-host")
    private String adminHost = BalancerConfig.DEFAULT_ADMIN_HOST;

    @Option(names = "--admin-port", paramLabel = "PORT", descriptionKey = "admin-port")
    private String adminPort;

    @Option(names = "--load-balancing", paramLabel = "ALGORITHM", descriptionKey = "load-balancing")
    private String loadBalancing = BalancerConfig.DEFAULT_LOAD_BALANCING.configName();

    @Option(names = "--no-retry", descriptionKey = "no-retry")
    private boolean noRetry;

    @Option(names = "--retry-budget-percent", paramLabel = "PERCENT", descriptionKey = "retry-budget-percent")
    private int retryBudgetPercent = BalancerConfig.DEFAULT_RETRY_BUDGET_PERCENT;

    @Option(names = "--retry-min-concurrency", paramLabel = "N", descriptionKey = "retry-min-concurrency")
    private int retryMinConcurrency = BalancerConfig.DEFAULT_RETRY_MIN_CONCURRENCY;

    @Mixin
    private ClientLimitOptions clientLimitOptions = new ClientLimitOptions();

    @Option(names = "--lang", paramLabel = "es|en", descriptionKey = "lang")
    private String language;

    private final ResourceBundle messages;

    Balancer(ResourceBundle messages) {
        this.messages = messages;
    }

    /** Netty's switch for its buffer allocator's Java Flight Recorder events. */
    static final String NETTY_JFR_PROPERTY = "io.netty.jfr.enabled";

    public static void main(String[] args) {
        // Netty checks whether Flight Recorder is available the first time it allocates a buffer, which loads
        // and starts part of JFR. On the benchmark machine that added about 120 ms and 10 MB of peak memory to
        // a start. Set the property to true to get Netty's allocator events in a recording.
        if (System.getProperty(NETTY_JFR_PROPERTY) == null) {
            System.setProperty(NETTY_JFR_PROPERTY, "false");
        }
        // UTF-8 whatever the locale: with none set, the JVM would print the Spanish accents as '?'.
        PrintWriter out = new PrintWriter(new OutputStreamWriter(System.out, StandardCharsets.UTF_8), true);
        PrintWriter err = new PrintWriter(new OutputStreamWriter(System.err, StandardCharsets.UTF_8), true);
        System.exit(newCommandLine(args, out, err).execute(args));
    }

    /** Builds the command line with messages in the language that {@code args} or the system locale selects. */
    static CommandLine newCommandLine(String[] args, PrintWriter out, PrintWriter err) {
        Locale locale = localeFor(args);
        ResourceBundle messages = ResourceBundle.getBundle(MESSAGES, locale,
                ResourceBundle.Control.getNoFallbackControl(ResourceBundle.Control.FORMAT_PROPERTIES));
        Balancer command = new Balancer(messages);
        CommandLine commandLine = new CommandLine(command);
        commandLine.setResourceBundle(messages);
        commandLine.setOut(out);
        commandLine.setErr(err);
        commandLine.setParameterExceptionHandler(
                new LocalizedParameterExceptionHandler(locale, command.message("error.hint")));
        return commandLine;
    }

    @Override
    public Integer call() throws InterruptedException {
        BalancerConfig config = toConfig();
        BalancerServer server = new BalancerServer(config);
        ConfigReloader reloader = configFile == null ? null : new ConfigReloader(server, this::buildConfig);
        server.setReload(reloader);
        if (reloader != null) {
            reloader.installSignalHandler();
        }
        try {
            server.start();
        } catch (BalancerStartException e) {
            spec.commandLine().getErr().println(MessageFormat.format(message("error.start"), describe(e)));
            // A name that does not resolve is an invalid command line; a port that cannot be bound is not.
            boolean invalidAddress = e.reason() == BalancerStartException.Reason.UNRESOLVED_HOST
                    || e.reason() == BalancerStartException.Reason.UNRESOLVED_BACKEND;
            return invalidAddress ? spec.exitCodeOnInvalidInput() : 1;
        }
        if (reloader != null) {
            reloader.markStarted();
        }

        Thread hook = new Thread(() -> {
            if (reloader != null) {
                reloader.close();
            }
            server.stop();
            stopLogging();
        }, "vigia-balancer-shutdown");
        Runtime.getRuntime().addShutdownHook(hook);
        server.awaitStopped();
        return 0;
    }

    /** Collects the options into a validated configuration, or throws a translated parameter error. */
    BalancerConfig toConfig() {
        try {
            if (language != null && !language.equals("es") && !language.equals("en")) {
                throw new ConfigException("--lang", language, ConfigProblem.INVALID_LANGUAGE);
            }
            return buildConfig();
        } catch (ConfigException e) {
            String problem = message("problem." + e.problem().name());
            String text;
            if (e.problem() == ConfigProblem.INVALID_YAML) {
                text = describeInvalidYaml(e);
            } else if (e.file() == null) {
                text = MessageFormat.format(message("error.invalid"), e.option(), e.value(), problem);
            } else if (e.problem() == ConfigProblem.UNKNOWN_KEY) {
                // The key is the mistake, so it is not also quoted as a value.
                text = MessageFormat.format(message("error.unknown.key"), e.option(), e.file());
            } else {
                text = MessageFormat.format(message("error.invalid.file"), e.option(), e.value(), problem, e.file());
            }
            throw new ParameterException(spec.commandLine(), text);
        }
    }

    /** Returns the file and location of a YAML syntax error, then the parser's own message on a line of its own. */
    private String describeInvalidYaml(ConfigException e) {
        String where = e.line() > 0
                ? MessageFormat.format(message("error.invalid.yaml"), e.file(), Integer.toString(e.line()),
                        Integer.toString(e.column()))
                : MessageFormat.format(message("error.invalid.yaml.unlocated"), e.file());
        return where + System.lineSeparator() + MessageFormat.format(message("error.yaml.parser"), e.parserDetail());
    }

    private AccessLogFormat parseAccessLogFormat() {
        AccessLogFormat format = AccessLogFormat.parse(accessLogFormat);
        if (format == null) {
            throw new ConfigException("--access-log-format", accessLogFormat, ConfigProblem.INVALID_ACCESS_LOG_FORMAT);
        }
        return format;
    }

    /**
     * Builds the configuration from the defaults, then the configuration file when {@code --config} is
     * given, then every option given on the command line, each overriding the one before. A reload calls
     * this again, so it re-reads the file and keeps the command line's precedence.
     *
     * @throws ConfigException naming the option, or the file key, whose value is invalid
     */
    BalancerConfig buildConfig() {
        ConfigFile file = configFile == null ? null : ConfigFile.read(configFile);
        BalancerConfig.Builder builder = BalancerConfig.builder();
        if (file != null) {
            file.applyTo(builder);
        }
        applyCommandLine(builder);
        try {
            return builder.build();
        } catch (ConfigException e) {
            throw file == null || given(e.option()) ? e : file.translate(e);
        }
    }

    /** Sets on {@code builder} every option that the command line gave, so they override the file. */
    private void applyCommandLine(BalancerConfig.Builder builder) {
        setIfGiven("--host", host, builder::host);
        if (port != null || positionalPort != null) {
            builder.port(listenPort());
        }
        if (given("--backends") || given("--backend")) {
            builder.backends(backendAddresses());
        }
        setIfGiven("--probe-interval-ms", probeIntervalMillis, builder::probeIntervalMillis);
        setIfGiven("--probe-timeout-ms", probeTimeoutMillis, builder::probeTimeoutMillis);
        setIfGiven("--probe-path", probePath, builder::probePath);
        setIfGiven("--rise", rise, builder::rise);
        setIfGiven("--fall", fall, builder::fall);
        setIfGiven("--connect-timeout-ms", connectTimeoutMillis, builder::connectTimeoutMillis);
        setIfGiven("--response-timeout-ms", responseTimeoutMillis, builder::responseTimeoutMillis);
        setIfGiven("--pool-max-idle-per-backend", poolMaxIdlePerBackend, builder::poolMaxIdlePerBackend);
        setIfGiven("--recent-errors", recentErrors, builder::recentErrors);
        setIfGiven("--admin-host", adminHost, builder::adminHost);
        if (adminPort != null) {
            builder.adminPort(parseListenPort("--admin-port", adminPort));
        }
        if (given("--load-balancing")) {
            builder.loadBalancing(LoadBalancing.parse(loadBalancing, "--load-balancing"));
        }
        if (noRetry) {
            builder.retryEnabled(false);
        }
        setIfGiven("--retry-budget-percent", retryBudgetPercent, builder::retryBudgetPercent);
        setIfGiven("--retry-min-concurrency", retryMinConcurrency, builder::retryMinConcurrency);
        // These have no file key, so they come from the command line or their defaults only.
        builder.threads(threads).drainTimeoutMillis(drainTimeoutMillis)
                .accessLogEnabled(accessLog)
                .accessLogFormat(parseAccessLogFormat())
                .ejectAfterFailures(ejectAfterFailures)
                .ejectBaseMillis(ejectBaseMillis)
                .ejectMaxPercent(ejectMaxPercent);
        clientLimitOptions.applyGiven(this::given, builder);
    }

    private <T> void setIfGiven(String option, T value, Consumer<T> setter) {
        if (given(option)) {
            setter.accept(value);
        }
    }

    /** Whether {@code option} appeared on the command line, as opposed to holding its default. */
    private boolean given(String option) {
        CommandLine.ParseResult parsed = spec.commandLine().getParseResult();
        return parsed != null && parsed.hasMatchedOption(option);
    }

    private int listenPort() {
        Integer optionPort = port == null ? null : parseListenPort("--port", port);
        Integer argumentPort = positionalPort == null ? null : parseListenPort("PORT", positionalPort);
        if (optionPort != null && argumentPort != null && !optionPort.equals(argumentPort)) {
            throw new ConfigException("--port", port + " / " + positionalPort, ConfigProblem.CONFLICTING_PORTS);
        }
        if (optionPort != null) {
            return optionPort;
        }
        return argumentPort != null ? argumentPort : BalancerConfig.DEFAULT_PORT;
    }

    /**
     * Parses a listen port from 0 to 65535.
     *
     * @throws ConfigException naming {@code option} and {@code text} when the text is not such a number
     */
    static int parseListenPort(String option, String text) {
        boolean digitsOnly = !text.isEmpty() && text.length() <= 5
                && text.chars().allMatch(c -> c >= '0' && c <= '9');
        int value = digitsOnly ? Integer.parseInt(text) : -1;
        if (value < 0 || value > 65535) {
            throw new ConfigException(option, text, ConfigProblem.LISTEN_PORT_OUT_OF_RANGE);
        }
        return value;
    }

    private List<BackendAddress> backendAddresses() {
        List<BackendAddress> addresses = new ArrayList<>();
        for (String text : backendLists) {
            addresses.add(BackendAddress.parse(text, "--backends"));
        }
        for (String text : backendItems) {
            addresses.add(BackendAddress.parse(text, "--backend"));
        }
        return addresses;
    }

    private String describe(BalancerStartException e) {
        String detail = e.detail() == null ? "" : e.detail();
        return MessageFormat.format(message("start." + e.reason().name()), e.address(), detail);
    }

    private String message(String key) {
        try {
            return messages.getString(key);
        } catch (MissingResourceException e) {
            return key;
        }
    }

    /** Flushes and stops Logback so the last lines, written asynchronously, reach the console and the file. */
    private static void stopLogging() {
        if (LoggerFactory.getILoggerFactory() instanceof LoggerContext context) {
            context.stop();
        }
    }

    /** Picks Spanish or English from {@code --lang} in {@code args}, else from the system locale. */
    static Locale localeFor(String[] args) {
        for (int i = 0; i < args.length; i++) {
            String value = null;
            if (args[i].equals("--lang") && i + 1 < args.length) {
                value = args[i + 1];
            } else if (args[i].startsWith("--lang=")) {
                value = args[i].substring("--lang=".length());
            }
            if ("es".equals(value) || "en".equals(value)) {
                return Locale.forLanguageTag(value);
            }
        }
        return "es".equals(UserLanguage.detect().getLanguage()) ? Locale.forLanguageTag("es") : Locale.ROOT;
    }

    /** Reads the version that the build writes into {@code version.properties}. */
    static final class VersionProvider implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() throws IOException {
            Properties properties = new Properties();
            try (InputStream in = Balancer.class.getResourceAsStream("version.properties")) {
                if (in != null) {
                    properties.load(in);
                }
            }
            return new String[] {"vigia-balancer " + properties.getProperty("version", "unknown")};
        }
    }
}
