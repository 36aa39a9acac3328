package io.vigia.backend;

import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * Routes the task page and the posts of its forms, which browsers can only send as {@code POST}:
 * <ul>
 *   <li>{@code GET|HEAD /} renders the page;</li>
 *   <li>{@code POST /tasks} with the form field {@code title} creates a task;</li>
 *   <li>{@code POST /tasks/{id}/complete} and {@code POST /tasks/{id}/delete} change one task.</li>
 * </ul>
 * A post that succeeds gets {@code 303 See Other} to {@code /} (post-redirect-get). Titles and ids go through
 * the same checks as the JSON API ({@link TaskTitle}, {@link TaskIds}), and a rejected request gets the page
 * again with the error status and the message in the request's language, while the error monitor records the
 * English message. Every store operation runs on the {@link TaskStore} thread, as in {@link BackendRoutes}.
 *
 * <p>Stateless and shared by all connections of a server. Called on event loops.
 */
final class TaskPageRoutes {

    static final String PAGE_PATH = "/";
    static final String FORM_TASKS_PATH = "/tasks";
    static final String COMPLETE_ACTION = "/complete";
    static final String DELETE_ACTION = "/delete";

    private static final String FORM_TASK_PREFIX = FORM_TASKS_PATH + "/";
    private static final String TITLE_FIELD = "title";

    private final TaskStore store;
    private final TaskPage page;

    TaskPageRoutes(TaskStore store, TaskPage page) {
        this.store = store;
        this.page = page;
    }

    /** Returns whether {@code path} belongs to the task page rather than to the JSON API. */
    static boolean handles(String path) {
        return path.equals(PAGE_PATH) || path.equals(FORM_TASKS_PATH) || path.startsWith(FORM_TASK_PREFIX);
    }

    /** Returns the response to {@code request}, whose decoded path is {@code path} and which stays the caller's. */
    CompletableFuture<FullHttpResponse> route(FullHttpRequest request, String path) {
        PageLanguage language =
                PageLanguage.fromAcceptLanguage(request.headers().get(HttpHeaderNames.ACCEPT_LANGUAGE));
        HttpMethod method = request.method();
        if (path.equals(PAGE_PATH)) {
            if (!BackendRoutes.isRead(method)) {
                return methodNotAllowed(language, method, path, BackendRoutes.READ_METHODS);
            }
            return store.list().thenApply(tasks -> page.ok(language, tasks));
        }
        if (path.equals(FORM_TASKS_PATH)) {
            return method.equals(HttpMethod.POST)
                    ? addTask(request, language)
                    : methodNotAllowed(language, method, path, HttpMethod.POST.name());
        }
        return changeTask(method, path, language);
    }

    private CompletableFuture<FullHttpResponse> addTask(FullHttpRequest request, PageLanguage language) {
        String title;
        try {
            title = FormBody.decode(request).single(TITLE_FIELD);
        } catch (InvalidRequestException e) {
            return errorPage(language, e, "");
        }

        try {
            TaskTitle.validate(title);
        } catch (InvalidRequestException e) {
            return errorPage(language, e, title);
        }
        return store.create(title).thenApply(created -> TaskPage.redirectToPage());
    }

    /** Routes {@code /tasks/{id}/complete} and {@code /tasks/{id}/delete}, ignoring the form body. */
    private CompletableFuture<FullHttpResponse> changeTask(HttpMethod method, String path, PageLanguage language) {
        String rest = path.substring(FORM_TASK_PREFIX.length());
        boolean complete = rest.endsWith(COMPLETE_ACTION);
        String action = complete ? COMPLETE_ACTION : DELETE_ACTION;
        String idText = rest.endsWith(action) ? rest.substring(0, rest.length() - action.length()) : "";
        if (idText.isEmpty() || idText.indexOf('/') >= 0) {
            return errorPage(language, new InvalidRequestException(HttpResponseStatus.NOT_FOUND,
                    "path " + path + " not found", "page.error.pathNotFound", path), "");
        }
        if (!method.equals(HttpMethod.POST)) {
            return methodNotAllowed(language, method, path, HttpMethod.POST.name());
        }

        long id;
        try {
            id = TaskIds.parse(idText);
        } catch (InvalidRequestException e) {
            return errorPage(language, e, "");
        }
        if (id == TaskIds.NO_SUCH_ID) {
            return errorPage(language, taskNotFound(idText), "");
        }
        CompletableFuture<Boolean> found = complete ? store.complete(id).thenApply(Optional::isPresent)
                : store.delete(id);
        return found.thenCompose(exists -> exists
                ? CompletableFuture.completedFuture(TaskPage.redirectToPage())
                : errorPage(language, taskNotFound(Long.toString(id)), ""));
    }

    private CompletableFuture<FullHttpResponse> methodNotAllowed(PageLanguage language, HttpMethod method,
                                                                 String path, String allowed) {
        InvalidRequestException error = new InvalidRequestException(HttpResponseStatus.METHOD_NOT_ALLOWED,
                "method " + method.name() + " is not allowed on " + path + "; allowed: " + allowed,
                "page.error.methodNotAllowed", method.name(), path, allowed);
        return errorPage(language, error, "").thenApply(response -> {
            response.headers().set(HttpHeaderNames.ALLOW, allowed);
            return response;
        });
    }

    /** Renders the page with the current tasks and {@code error}, once the store has listed them. */
    private CompletableFuture<FullHttpResponse> errorPage(PageLanguage language, InvalidRequestException error,
                                                          String titleDraft) {
        return store.list().thenApply(tasks -> page.error(language, tasks, error, titleDraft));
    }

    private static InvalidRequestException taskNotFound(String id) {
        return new InvalidRequestException(HttpResponseStatus.NOT_FOUND, TaskIds.notFoundMessage(id),
                "page.error.taskNotFound", id);
    }
}
