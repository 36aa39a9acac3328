package io.vigia.balancer.admin;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.concurrent.CompletionStage;

/**
 * The action behind {@code POST /admin/reload}: re-reads the configuration file and applies it.
 *
 * <p>{@link #reload()} is called on an event loop and must not block it; the returned stage may complete
 * on any thread.
 */
public interface ConfigReload {

    /** The result of one reload: applied, with a summary of the changes, or rejected, with the reason. */
    record Outcome(boolean applied, ObjectNode body) {
    }

    /** Starts a reload and returns its outcome once it is applied or rejected. */
    CompletionStage<Outcome> reload();
}
