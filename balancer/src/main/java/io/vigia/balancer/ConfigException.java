package io.vigia.balancer;

/**
 * An invalid configuration value, with the option that carried it, the value and the {@link ConfigProblem}.
 * The command line turns it into a translated message and exit status 2.
 */
public final class ConfigException extends IllegalArgumentException {

    private final String option;
    private final String value;
    private final ConfigProblem problem;

    public ConfigException(String option, Object value, ConfigProblem problem) {
        super("invalid value for " + option + ": '" + value + "' (" + problem.english() + ")");
        this.option = option;
        this.value = String.valueOf(value);
        this.problem = problem;
    }

    /** The command-line option, for example {@code --port}. */
    public String option() {
        return option;
    }

    public String value() {
        return value;
    }

    public ConfigProblem problem() {
        return problem;
    }
}
