package io.vigia.backend;

import java.util.Locale;

/** An operation of the {@link TaskStore}, the {@code operation} label of the task store metrics. */
enum TaskOperation {
    CREATE, LIST, COMPLETE, DELETE;

    /** Returns the label value, for example {@code create}. */
    String label() {
        return name().toLowerCase(Locale.ROOT);
    }
}
