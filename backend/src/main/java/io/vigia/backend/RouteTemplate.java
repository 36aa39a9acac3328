package io.vigia.backend;

/**
 * The route of a request as a bounded template, such as {@code /api/tasks/{id}}, for the {@code route} label
 * of the backend's metrics. Raw paths would create one time series per task id.
 *
 * <p>The matching mirrors {@link BackendRoutes} and {@link TaskPageRoutes} on the path without its query, but
 * does not check ids, so {@code /api/tasks/abc} is {@code /api/tasks/{id}} although it gets 400. Any path
 * that no route serves is {@link #OTHER}. Stateless and thread-safe.
 */
enum RouteTemplate {
    PAGE("/"),
    FORM_TASKS("/tasks"),
    FORM_TASK_COMPLETE("/tasks/{id}/complete"),
    FORM_TASK_DELETE("/tasks/{id}/delete"),
    TASKS("/api/tasks"),
    SIMULATE_ERROR("/api/tasks/simulate-error"),
    TASK("/api/tasks/{id}"),
    TASK_COMPLETE("/api/tasks/{id}/complete"),
    HEALTH("/health"),
    INFO("/info"),
    ERROR_STATS("/errors/stats"),
    FAVICON("/favicon.ico"),
    METRICS("/metrics"),
    OTHER("other");

    private static final String API_TASK_PREFIX = "/api/tasks/";
    private static final String FORM_TASK_PREFIX = "/tasks/";
    private static final String COMPLETE_SUFFIX = "/complete";
    private static final String DELETE_SUFFIX = "/delete";

    private final String label;

    RouteTemplate(String label) {
        this.label = label;
    }

    /** Returns the label value, for example {@code /api/tasks/{id}}. */
    String label() {
        return label;
    }

    /** Returns the template of the request target {@code uri}; {@code null} (unparsed request) is {@link #OTHER}. */
    static RouteTemplate of(String uri) {
        if (uri == null) {
            return OTHER;
        }
        String path = pathOf(uri);
        for (RouteTemplate fixed : values()) {
            if (fixed != OTHER && fixed.label.indexOf('{') < 0 && fixed.label.equals(path)) {
                return fixed;
            }
        }
        if (path.startsWith(API_TASK_PREFIX)) {
            return withId(path.substring(API_TASK_PREFIX.length()), TASK, TASK_COMPLETE, OTHER);
        }
        if (path.startsWith(FORM_TASK_PREFIX)) {
            String rest = path.substring(FORM_TASK_PREFIX.length());
            return rest.endsWith(DELETE_SUFFIX) && isId(rest.substring(0, rest.length() - DELETE_SUFFIX.length()))
                    ? FORM_TASK_DELETE : withId(rest, OTHER, FORM_TASK_COMPLETE, OTHER);
        }
        return OTHER;
    }

    /** Picks {@code plain} for {@code {id}}, {@code complete} for {@code {id}/complete}, else {@code other}. */
    private static RouteTemplate withId(String rest, RouteTemplate plain, RouteTemplate complete,
                                        RouteTemplate other) {
        if (rest.endsWith(COMPLETE_SUFFIX) && isId(rest.substring(0, rest.length() - COMPLETE_SUFFIX.length()))) {
            return complete;
        }
        return isId(rest) ? plain : other;
    }

    private static boolean isId(String text) {
        return !text.isEmpty() && text.indexOf('/') < 0;
    }

    private static String pathOf(String uri) {
        for (int i = 0; i < uri.length(); i++) {
            char c = uri.charAt(i);
            if (c == '?' || c == '#') {
                return uri.substring(0, i);
            }
        }
        return uri;
    }
}
