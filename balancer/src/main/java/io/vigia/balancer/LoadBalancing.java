package io.vigia.balancer;

import io.vigia.balancer.selection.BackendGroup;
import io.vigia.balancer.selection.BackendSelector;
import io.vigia.balancer.selection.LeastOutstandingSelector;
import io.vigia.balancer.selection.WeightedRoundRobinSelector;
import java.util.Locale;

/**
 * The ways the balancer can choose a backend among the healthy ones. The configuration file and
 * {@code --load-balancing} name them in kebab case, for example {@code weighted-round-robin}.
 */
public enum LoadBalancing {
    /** Each healthy backend in turn, ignoring weights. */
    ROUND_ROBIN,
    /**
     * Smooth weighted round robin: a backend of weight 5 gets 5 of every 7 picks against two backends of
     * weight 1, spread out instead of in a burst. See {@link WeightedRoundRobinSelector}.
     */
    WEIGHTED_ROUND_ROBIN,
    /** The healthy backend with the fewest requests in flight; ties go round robin. */
    LEAST_OUTSTANDING;

    /** Creates the selector for {@link BackendGroup#setSelector}; {@code null} stands for plain round robin. */
    public BackendSelector newSelector() {
        switch (this) {
            case WEIGHTED_ROUND_ROBIN:
                return new WeightedRoundRobinSelector();
            case LEAST_OUTSTANDING:
                return new LeastOutstandingSelector();
            default:
                return null;
        }
    }

    /** The name used in configuration, for example {@code least-outstanding}. */
    public String configName() {
        return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    /**
     * Parses a configuration name.
     *
     * @param key the option or file key that carried {@code text}, named in the error
     * @throws ConfigException when {@code text} names no algorithm
     */
    public static LoadBalancing parse(String text, String key) {
        for (LoadBalancing value : values()) {
            if (value.configName().equals(text)) {
                return value;
            }
        }
        throw new ConfigException(key, text, ConfigProblem.UNKNOWN_LOAD_BALANCING);
    }
}
