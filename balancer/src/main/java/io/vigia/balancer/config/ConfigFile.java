package io.vigia.balancer.config;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.exc.InvalidFormatException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.databind.node.MissingNode;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.vigia.balancer.BackendAddress;
import io.vigia.balancer.BalancerConfig;
import io.vigia.balancer.ConfigException;
import io.vigia.balancer.ConfigProblem;
import io.vigia.balancer.LoadBalancing;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.yaml.snakeyaml.error.MarkedYAMLException;

/**
 * A YAML configuration file, read and checked, ready to be laid over the defaults of a
 * {@link BalancerConfig.Builder}. The command line then overrides what it sets, and
 * {@link BalancerConfig.Builder#build()} checks the combination.
 *
 * <p>Keys are kebab case; {@code balancer/vigia.example.yaml} lists them all. An unknown key, a value of
 * the wrong type, a duplicate key, a malformed backend address, a weight below 1 or an unknown
 * {@code load-balancing} raise a {@link ConfigException} naming the key as a path such as
 * {@code backends[1].address}. {@link #translate} renames the command-line option in an error raised later
 * by the builder to the file key that set the value.
 *
 * <p>Reading does file I/O, so it runs on the main thread or the reload executor, never on an event loop.
 * An instance is immutable after {@link #read}.
 */
public final class ConfigFile {

    /** The file key that sets the same value as each command-line option. */
    private static final Map<String, String> KEY_BY_OPTION = Map.ofEntries(
            Map.entry("--host", "listen.host"),
            Map.entry("--port", "listen.port"),
            Map.entry("--admin-host", "admin.host"),
            Map.entry("--admin-port", "admin.port"),
            Map.entry("--backends", "backends"),
            Map.entry("--probe-path", "health-check.path"),
            Map.entry("--probe-interval-ms", "health-check.interval-ms"),
            Map.entry("--probe-timeout-ms", "health-check.timeout-ms"),
            Map.entry("--rise", "health-check.rise"),
            Map.entry("--fall", "health-check.fall"),
            Map.entry("--connect-timeout-ms", "timeouts.connect-ms"),
            Map.entry("--response-timeout-ms", "timeouts.response-ms"),
            Map.entry("--idle-timeout-ms", "timeouts.idle-ms"),
            Map.entry("--pool-max-idle-per-backend", "pool.max-idle-per-backend"),
            Map.entry("--load-balancing", "load-balancing"),
            Map.entry("--retry-budget-percent", "retry.budget-percent"),
            Map.entry("--retry-min-concurrency", "retry.min-concurrency"),
            Map.entry("--recent-errors", "recent-errors"),
            Map.entry("--max-request-line-bytes", "limits.max-request-line-bytes"),
            Map.entry("--max-header-bytes", "limits.max-header-bytes"),
            Map.entry("--max-body-bytes", "limits.max-body-bytes"));

    private static final YAMLMapper MAPPER = YAMLMapper.builder()
            .propertyNamingStrategy(PropertyNamingStrategies.KEBAB_CASE)
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .disable(DeserializationFeature.ACCEPT_FLOAT_AS_INT)
            .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
            .build();

    private final String file;
    private final ConfigDocument document;
    private final List<BackendAddress> backends;
    private final LoadBalancing loadBalancing;
    private final Set<String> optionsSet = new HashSet<>();

    private ConfigFile(String file, ConfigDocument document) {
        this.file = file;
        this.document = document;
        this.backends = document.backends() == null ? null : parseBackends(document.backends());
        this.loadBalancing = document.loadBalancing() == null ? null
                : checked(() -> LoadBalancing.parse(document.loadBalancing(), "load-balancing"));
    }

    /**
     * Reads and checks {@code path}.
     *
     * @throws ConfigException when the file is missing, unreadable, not valid YAML or contains an invalid value
     */
    public static ConfigFile read(Path path) {
        String file = path.toString();
        JsonNode tree = readTree(path, file);
        if (tree == null || tree instanceof MissingNode || tree instanceof NullNode) {
            return new ConfigFile(file, ConfigDocument.EMPTY);
        }
        try {
            return new ConfigFile(file, MAPPER.treeToValue(tree, ConfigDocument.class));
        } catch (JsonMappingException e) {
            throw mappingError(e, tree, file);
        } catch (JsonProcessingException e) {
            throw new ConfigException("(document)", e.getOriginalMessage(), ConfigProblem.WRONG_TYPE, file);
        }
    }

    /** The file as given on the command line. */
    public String file() {
        return file;
    }

    /** Sets on {@code builder} every value that the file contains and leaves the others alone. */
    public void applyTo(BalancerConfig.Builder builder) {
        ConfigDocument.Listen listen = document.listen();
        if (listen != null) {
            set("--host", listen.host(), builder::host);
            set("--port", listen.port(), builder::port);
        }
        ConfigDocument.Listen admin = document.admin();
        if (admin != null) {
            // A negative port would pass as BalancerConfig.ADMIN_DISABLED and turn the listener off unnoticed.
            if (admin.port() != null && admin.port() < 0) {
                throw new ConfigException("admin.port", admin.port(), ConfigProblem.LISTEN_PORT_OUT_OF_RANGE, file);
            }
            set("--admin-host", admin.host(), builder::adminHost);
            set("--admin-port", admin.port(), builder::adminPort);
        }
        set("--backends", backends, builder::backends);
        applyHealthCheck(builder, document.healthCheck());
        applyTimeouts(builder, document.timeouts());
        if (document.pool() != null) {
            set("--pool-max-idle-per-backend", document.pool().maxIdlePerBackend(), builder::poolMaxIdlePerBackend);
        }
        set("--load-balancing", loadBalancing, builder::loadBalancing);
        if (document.retry() != null) {
            set("--retry", document.retry().enabled(), builder::retryEnabled);
            set("--retry-budget-percent", document.retry().budgetPercent(), builder::retryBudgetPercent);
            set("--retry-min-concurrency", document.retry().minConcurrency(), builder::retryMinConcurrency);
        }
        set("--recent-errors", document.recentErrors(), builder::recentErrors);
        applyLimits(builder, document.limits());
    }

    /**
     * Returns {@code e} with its command-line option replaced by the file key, when the file set the value
     * that {@code e} rejects; otherwise returns {@code e} unchanged.
     */
    public ConfigException translate(ConfigException e) {
        String key = KEY_BY_OPTION.get(e.option());
        if (key == null || !optionsSet.contains(e.option())) {
            return e;
        }
        return new ConfigException(key, e.value(), e.problem(), file);
    }

    /** Whether the file sets the value of command-line option {@code option}. */
    public boolean sets(String option) {
        return optionsSet.contains(option);
    }

    private void applyHealthCheck(BalancerConfig.Builder builder, ConfigDocument.HealthCheck healthCheck) {
        if (healthCheck == null) {
            return;
        }
        set("--probe-path", healthCheck.path(), builder::probePath);
        set("--probe-interval-ms", healthCheck.intervalMs(), builder::probeIntervalMillis);
        set("--probe-timeout-ms", healthCheck.timeoutMs(), builder::probeTimeoutMillis);
        set("--rise", healthCheck.rise(), builder::rise);
        set("--fall", healthCheck.fall(), builder::fall);
    }

    private void applyTimeouts(BalancerConfig.Builder builder, ConfigDocument.Timeouts timeouts) {
        if (timeouts == null) {
            return;
        }
        set("--connect-timeout-ms", timeouts.connectMs(), builder::connectTimeoutMillis);
        set("--response-timeout-ms", timeouts.responseMs(), builder::responseTimeoutMillis);
        set("--idle-timeout-ms", timeouts.idleMs(), builder::idleTimeoutMillis);
    }

    private void applyLimits(BalancerConfig.Builder builder, ConfigDocument.Limits limits) {
        if (limits == null) {
            return;
        }
        set("--max-request-line-bytes", limits.maxRequestLineBytes(), builder::maxRequestLineBytes);
        set("--max-header-bytes", limits.maxHeaderBytes(), builder::maxHeaderBytes);
        set("--max-body-bytes", limits.maxBodyBytes(), builder::maxBodyBytes);
    }

    private <T> void set(String option, T value, Consumer<T> setter) {
        if (value == null) {
            return;
        }
        optionsSet.add(option);
        try {
            setter.accept(value);
        } catch (ConfigException e) {
            // Client limits are validated as they are set, so name the file key here rather than in build().
            throw translate(e);
        }
    }

    private List<BackendAddress> parseBackends(List<ConfigDocument.BackendEntry> entries) {
        List<BackendAddress> addresses = new ArrayList<>(entries.size());
        for (int i = 0; i < entries.size(); i++) {
            ConfigDocument.BackendEntry entry = entries.get(i);
            String key = "backends[" + i + "]";
            if (entry == null || entry.address() == null) {
                throw new ConfigException(key + ".address", "", ConfigProblem.MISSING_VALUE, file);
            }
            BackendAddress address = checked(() -> BackendAddress.parse(entry.address(), key + ".address"));
            int weight = entry.weight() == null ? BackendAddress.DEFAULT_WEIGHT : entry.weight();
            if (weight < 1) {
                throw new ConfigException(key + ".weight", weight, ConfigProblem.WEIGHT_TOO_SMALL, file);
            }
            addresses.add(address.withWeight(weight));
        }
        return addresses;
    }

    /** Runs {@code parse} and adds the file name to a {@link ConfigException} it raises. */
    private <T> T checked(Supplier<T> parse) {
        try {
            return parse.get();
        } catch (ConfigException e) {
            throw new ConfigException(e.option(), e.value(), e.problem(), file);
        }
    }

    private static JsonNode readTree(Path path, String file) {
        if (Files.notExists(path)) {
            throw new ConfigException("--config", file, ConfigProblem.FILE_NOT_FOUND);
        }
        if (Files.isDirectory(path) || !Files.isReadable(path)) {
            throw new ConfigException("--config", file, ConfigProblem.FILE_NOT_READABLE);
        }
        try {
            return MAPPER.readTree(path.toFile());
        } catch (JsonProcessingException e) {
            throw invalidYaml(e, file);
        } catch (IOException e) {
            throw new ConfigException("--config", file + ": " + e.getMessage(), ConfigProblem.FILE_NOT_READABLE);
        }
    }

    /**
     * Creates the exception for a YAML syntax error at the position where SnakeYAML, the parser under Jackson's
     * YAML module, found the problem. Jackson's own location is that of the last token read, often lines earlier.
     */
    private static ConfigException invalidYaml(JsonProcessingException e, String file) {
        if (e.getCause() instanceof MarkedYAMLException marked && marked.getProblemMark() != null) {
            String detail = marked.getContext() == null ? marked.getProblem()
                    : marked.getContext() + ": " + marked.getProblem();
            return ConfigException.invalidYaml(file, marked.getProblemMark().getLine() + 1,
                    marked.getProblemMark().getColumn() + 1, detail);
        }
        JsonLocation location = e.getLocation();
        int line = location == null ? 0 : Math.max(location.getLineNr(), 0);
        int column = line == 0 ? 0 : Math.max(location.getColumnNr(), 0);
        String message = e.getOriginalMessage() == null ? e.toString() : e.getOriginalMessage();
        return ConfigException.invalidYaml(file, line, column, message.lines().findFirst().orElse(""));
    }

    private static ConfigException mappingError(JsonMappingException e, JsonNode tree, String file) {
        String key = keyPath(e.getPath());
        if (e instanceof UnrecognizedPropertyException unknown) {
            return new ConfigException(key, unknown.getPropertyName(), ConfigProblem.UNKNOWN_KEY, file);
        }
        if (key.equals("listen.port") || key.equals("admin.port")) {
            return new ConfigException(key, valueAt(tree, e.getPath()), ConfigProblem.LISTEN_PORT_OUT_OF_RANGE, file);
        }
        if (e instanceof InvalidFormatException invalid) {
            return new ConfigException(key, invalid.getValue(), ConfigProblem.WRONG_TYPE, file);
        }
        return new ConfigException(key, valueAt(tree, e.getPath()), ConfigProblem.WRONG_TYPE, file);
    }

    /** Formats a Jackson path as {@code backends[1].address}; the whole document is {@code (document)}. */
    static String keyPath(List<JsonMappingException.Reference> path) {
        StringBuilder key = new StringBuilder();
        for (JsonMappingException.Reference reference : path) {
            if (reference.getFieldName() != null) {
                if (key.length() > 0) {
                    key.append('.');
                }
                key.append(reference.getFieldName());
            } else if (reference.getIndex() >= 0) {
                key.append('[').append(reference.getIndex()).append(']');
            }
        }
        return key.length() == 0 ? "(document)" : key.toString();
    }

    private static String valueAt(JsonNode tree, List<JsonMappingException.Reference> path) {
        JsonNode node = tree;
        for (JsonMappingException.Reference reference : path) {
            node = reference.getFieldName() != null ? node.path(reference.getFieldName())
                    : node.path(reference.getIndex());
        }
        return node.isValueNode() ? node.asText() : node.toString();
    }
}
