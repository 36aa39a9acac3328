package io.vigia.balancer;

import ch.qos.logback.classic.LoggerContext;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.text.MessageFormat;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.MissingResourceException;
import java.util.Properties;
import java.util.ResourceBundle;
import java.util.concurrent.Callable;
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

    @Option(names = "--host", paramLabel = "HOST", descriptionKey = "host")
    private String host = BalancerConfig.DEFAULT_HOST;

    @Option(names = "--port", paramLabel = "PORT", descriptionKey = "port")
    private Integer port;

    @Parameters(index = "0", arity = "0..1", paramLabel = "PORT", descriptionKey = "port.positional")
    private Integer positionalPort;

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

    @Mixin
    private ClientLimitOptions clientLimitOptions = new ClientLimitOptions();

    @Option(names = "--lang", paramLabel = "es|en", descriptionKey = "lang")
    private String language;

    private final ResourceBundle messages;

    Balancer(ResourceBundle messages) {
        this.messages = messages;
    }

    public static void main(String[] args) {
        PrintWriter out = new PrintWriter(System.out, true);
        PrintWriter err = new PrintWriter(System.err, true);
        System.exit(newCommandLine(args, out, err).execute(args));
    }

    /** Builds the command line with messages in the language that {@code args} or the system locale selects. */
    static CommandLine newCommandLine(String[] args, PrintWriter out, PrintWriter err) {
        ResourceBundle messages = ResourceBundle.getBundle(MESSAGES, localeFor(args),
                ResourceBundle.Control.getNoFallbackControl(ResourceBundle.Control.FORMAT_PROPERTIES));
        Balancer command = new Balancer(messages);
        CommandLine commandLine = new CommandLine(command);
        commandLine.setResourceBundle(messages);
        commandLine.setOut(out);
        commandLine.setErr(err);
        commandLine.setParameterExceptionHandler(command::handleParameterException);
        return commandLine;
    }

    @Override
    public Integer call() throws InterruptedException {
        BalancerServer server = new BalancerServer(toConfig());
        try {
            server.start();
        } catch (BalancerStartException e) {
            spec.commandLine().getErr().println(MessageFormat.format(message("error.start"), describe(e)));
            return 1;
        }

        Thread hook = new Thread(() -> {
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
            return BalancerConfig.builder()
                    .host(host)
                    .port(listenPort())
                    .backends(backendAddresses())
                    .probeIntervalMillis(probeIntervalMillis)
                    .probeTimeoutMillis(probeTimeoutMillis)
                    .probePath(probePath)
                    .rise(rise)
                    .fall(fall)
                    .connectTimeoutMillis(connectTimeoutMillis)
                    .responseTimeoutMillis(responseTimeoutMillis)
                    .poolMaxIdlePerBackend(poolMaxIdlePerBackend)
                    .recentErrors(recentErrors)
                    .threads(threads)
                    .drainTimeoutMillis(drainTimeoutMillis)
                    .clientLimits(clientLimitOptions.toClientLimits())
                    .build();
        } catch (ConfigException e) {
            String problem = message("problem." + e.problem().name());
            throw new ParameterException(spec.commandLine(),
                    MessageFormat.format(message("error.invalid"), e.option(), e.value(), problem));
        }
    }

    private int listenPort() {
        if (port != null && positionalPort != null && !port.equals(positionalPort)) {
            throw new ConfigException("--port", port + " / " + positionalPort, ConfigProblem.CONFLICTING_PORTS);
        }
        if (port != null) {
            return port;
        }
        return positionalPort != null ? positionalPort : BalancerConfig.DEFAULT_PORT;
    }

    private List<BackendAddress> backendAddresses() {
        List<BackendAddress> addresses = new ArrayList<>();
        for (String text : backendLists) {
            addresses.add(BackendAddress.parse(text, "--backends"));
        }
        for (String text : backendItems) {
            addresses.add(BackendAddress.parse(text, "--backend"));
        }
        if (backendLists.isEmpty() && backendItems.isEmpty()) {
            for (String text : BalancerConfig.DEFAULT_BACKENDS) {
                addresses.add(BackendAddress.parse(text, "--backends"));
            }
        }
        return addresses;
    }

    private int handleParameterException(ParameterException e, String[] args) {
        CommandLine commandLine = e.getCommandLine();
        PrintWriter err = commandLine.getErr();
        err.println(e.getMessage());
        CommandLine.UnmatchedArgumentException.printSuggestions(e, err);
        err.println(message("error.hint"));
        return commandLine.getCommandSpec().exitCodeOnInvalidInput();
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
        return "es".equals(Locale.getDefault().getLanguage()) ? Locale.forLanguageTag("es") : Locale.ROOT;
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
