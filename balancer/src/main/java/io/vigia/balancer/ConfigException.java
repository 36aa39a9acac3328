package io.vigia.balancer;

/**
 * An invalid configuration value, with the option or file key that carried it, the value and the
 * {@link ConfigProblem}. The command line turns it into a translated message and exit status 2.
 */
public final class ConfigException extends IllegalArgumentException {

    private final String option;
    private final String value;
    private final ConfigProblem problem;
    private final String file;

    public ConfigException(String option, Object value, ConfigProblem problem) {
        this(option, value, problem, null);
    }

    /**
     * Creates the exception for a value read from a configuration file.
     *
     * @param key  the key as a path, for example {@code backends[1].address}
     * @param file the file, as given on the command line; null for a command-line option
     */
    public ConfigException(String key, Object value, ConfigProblem problem, String file) {
        super((file == null ? "" : file + ": ") + (problem == ConfigProblem.UNKNOWN_KEY
                ? "unknown key " + key + "; balancer/vigia.example.yaml lists every valid key"
                : "invalid value for " + key + ": '" + value + "' (" + problem.english() + ")"));
        this.option = key;
        this.value = String.valueOf(value);
        this.problem = problem;
        this.file = file;
    }

    /** The command-line option, for example {@code --port}, or the file key, for example {@code listen.port}. */
    public String option() {
        return option;
    }

    public String value() {
        return value;
    }

    public ConfigProblem problem() {
        return problem;
    }

    /** The configuration file that carried the value, or {@code null} when it came from the command line. */
    public String file() {
        return file;
    }
}
