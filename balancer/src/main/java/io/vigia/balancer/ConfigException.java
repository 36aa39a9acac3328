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
    private final int line;
    private final int column;
    private final String parserDetail;

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
        this.line = 0;
        this.column = 0;
        this.parserDetail = null;
    }

    private ConfigException(String file, int line, int column, String parserDetail) {
        super(file + ": invalid YAML" + (line > 0 ? " at line " + line + ", column " + column : "")
                + " (YAML parser: " + parserDetail + ")");
        this.option = "--config";
        this.value = file;
        this.problem = ConfigProblem.INVALID_YAML;
        this.file = file;
        this.line = line;
        this.column = column;
        this.parserDetail = parserDetail;
    }

    /**
     * Creates the exception for a configuration file that is not valid YAML.
     *
     * @param line         1-based line of the error, or 0 when the parser gave no location
     * @param column       1-based column of the error, or 0 when the parser gave no location
     * @param parserDetail the YAML parser's own message, in English
     */
    public static ConfigException invalidYaml(String file, int line, int column, String parserDetail) {
        return new ConfigException(file, line, column, parserDetail);
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

    /** Returns the 1-based line of a YAML syntax error, or 0 for any other problem or when the parser gave none. */
    public int line() {
        return line;
    }

    /** Returns the 1-based column of a YAML syntax error, or 0 for any other problem or when the parser gave none. */
    public int column() {
        return column;
    }

    /** Returns the YAML parser's own English message for a syntax error, or {@code null} for any other problem. */
    public String parserDetail() {
        return parserDetail;
    }
}
