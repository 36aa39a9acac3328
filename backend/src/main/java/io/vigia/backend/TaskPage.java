package io.vigia.backend;

import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import io.vigia.core.ErrorCause;
import io.vigia.core.http.HtmlEscaper;
import io.vigia.core.http.HttpResponses;
import java.text.MessageFormat;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.ResourceBundle;
import java.util.function.Supplier;

/**
 * Renders the task page: the task list with an add form, a complete and a delete button per task, and the
 * backend ({@code host:port} and pid) that rendered it, so that reloading through the balancer shows which
 * backend served each request.
 *
 * <p>The page is plain HTML forms with inline CSS and no script. Its text comes from the {@code page.*} keys of
 * {@code BackendMessages} in the chosen {@link PageLanguage}, and every value from a request or the database is
 * HTML-escaped. Links and form actions are root-relative ({@code /}, {@code /tasks}), so the page works the same
 * through the balancer. Elements that browser tests look for: {@code #served-by}, {@code #error},
 * {@code form#add-task}, {@code table#tasks} with one {@code tr[data-task-id]} per task, and buttons with
 * {@code data-action="complete"} or {@code "delete"}.
 *
 * <p>Stateless after construction. It renders on the thread that completes the store's future: the
 * {@link TaskStore} thread, or the event loop when the list was ready before the callback was added.
 */
final class TaskPage {

    /** Allows the inline style block and form posts to this origin, and nothing else: no script, image or frame. */
    static final String CONTENT_SECURITY_POLICY = "default-src 'none'; style-src 'unsafe-inline'; "
            + "form-action 'self'; base-uri 'none'; frame-ancestors 'none'";

    private static final DateTimeFormatter CREATED_AT_FORMAT =
            DateTimeFormatter.ofPattern("uuuu-MM-dd HH:mm:ss 'UTC'").withZone(ZoneOffset.UTC);
    private static final String STYLE = "body{font-family:system-ui,sans-serif;margin:0;background:#f4f5f7;"
            + "color:#1d2430}"
            + "header{background:#1f3a5f;color:#fff;padding:1rem 2rem}"
            + "h1{margin:0 0 .5rem;font-size:1.6rem}"
            + "#served-by{display:inline-block;margin:0;padding:.3rem .7rem;border-radius:4px;background:#ffd166;"
            + "color:#1d2430;font-family:ui-monospace,monospace;font-weight:bold}"
            + ".hint{margin:.5rem 0 0;font-size:.9rem;opacity:.85}"
            + "main{max-width:60rem;margin:1.5rem auto;padding:0 1rem}"
            + "#error{border:1px solid #b3261e;background:#fdecea;color:#8c1d18;padding:.7rem 1rem;"
            + "border-radius:4px;margin-bottom:1rem}"
            + "#add-task{display:flex;gap:.5rem;align-items:center;margin-bottom:1rem}"
            + "#add-task input{flex:1;padding:.45rem;font-size:1rem}"
            + "button{padding:.4rem .8rem;font-size:.95rem;cursor:pointer}"
            + "table{width:100%;border-collapse:collapse;background:#fff}"
            + "caption{text-align:left;padding:.4rem 0;color:#555}"
            + "th,td{padding:.5rem .6rem;border-bottom:1px solid #dde1e6;text-align:left;vertical-align:middle}"
            + "tr.completed .title{text-decoration:line-through;color:#6b7280}"
            + "td.actions form{display:inline;margin-right:.3rem}"
            + "button[data-action=delete]{color:#8c1d18}"
            + ".empty{color:#555}"
            + "footer{max-width:60rem;margin:0 auto 2rem;padding:0 1rem;font-size:.9rem}";

    private final Supplier<String> address;
    private final long pid;
    private final Map<PageLanguage, ResourceBundle> bundles = new EnumMap<>(PageLanguage.class);

    /**
     * @param address returns the {@code host:port} this backend listens on, read on every render
     * @param pid     process id of this backend
     */
    TaskPage(Supplier<String> address, long pid) {
        this.address = address;
        this.pid = pid;
        for (PageLanguage language : PageLanguage.values()) {
            bundles.put(language, BackendCommand.messages(language.locale()));
        }
    }

    /** Builds the 200 response that lists {@code tasks}. */
    FullHttpResponse ok(PageLanguage language, List<Task> tasks) {
        String html = render(language, tasks, null, "");
        return withPageHeaders(HttpResponses.html(HttpResponseStatus.OK, html), language);
    }

    /**
     * Builds the page again with the status of {@code error} and its message shown in {@code language}. The
     * error monitor records the English message of {@code error}.
     *
     * @param titleDraft title the person typed, put back in the add form, or "" for none
     */
    FullHttpResponse error(PageLanguage language, List<Task> tasks, InvalidRequestException error,
                           String titleDraft) {
        HttpResponseStatus status = error.status();
        String errorText = format(language, "page.errorStatus", Integer.toString(status.code())) + " "
                + localize(language, error);
        String html = render(language, tasks, errorText, titleDraft);
        ErrorCause cause = status.equals(HttpResponseStatus.BAD_REQUEST) ? ErrorCause.MALFORMED_REQUEST : null;
        return withPageHeaders(HttpResponses.errorHtml(status, error.getMessage(), cause, html), language);
    }

    /** Builds the {@code 303 See Other} to the page, sent after a successful form post. */
    static FullHttpResponse redirectToPage() {
        FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.SEE_OTHER);
        response.headers()
                .set(HttpHeaderNames.LOCATION, TaskPageRoutes.PAGE_PATH)
                .setInt(HttpHeaderNames.CONTENT_LENGTH, 0)
                .set(HttpHeaderNames.CACHE_CONTROL, HttpHeaderValues.NO_STORE);
        return response;
    }

    private String localize(PageLanguage language, InvalidRequestException error) {
        if (error.messageKey() == null) {
            return error.getMessage();
        }
        if (error.messageArguments().isEmpty()) {
            return text(language, error.messageKey());
        }
        return format(language, error.messageKey(), error.messageArguments().toArray());
    }

    private static FullHttpResponse withPageHeaders(FullHttpResponse response, PageLanguage language) {
        HttpHeaders headers = response.headers();
        headers.set(HttpHeaderNames.CONTENT_SECURITY_POLICY, CONTENT_SECURITY_POLICY)
                .set(HttpHeaderNames.VARY, "Accept-Language")
                .set(HttpHeaderNames.CONTENT_LANGUAGE, language.tag())
                .set(HttpHeaderNames.CACHE_CONTROL, HttpHeaderValues.NO_STORE)
                .set("x-content-type-options", "nosniff");
        return response;
    }

    /** Returns the whole page. {@code errorText} is plain text, or {@code null} for no error box. */
    private String render(PageLanguage language, List<Task> tasks, String errorText, String titleDraft) {
        StringBuilder html = new StringBuilder(4096 + tasks.size() * 512);
        html.append("<!DOCTYPE html>\n<html lang=\"").append(language.tag()).append("\">\n<head>\n")
                .append("<meta charset=\"utf-8\">\n")
                .append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n")
                .append("<title>").append(escaped(language, "page.title")).append("</title>\n")
                .append("<style>").append(STYLE).append("</style>\n</head>\n<body>\n");
        appendHeader(html, language);
        html.append("<main>\n");
        if (errorText != null) {
            html.append("<div id=\"error\" role=\"alert\">").append(HtmlEscaper.escape(errorText)).append("</div>\n");
        }
        appendAddForm(html, language, titleDraft);
        appendTable(html, language, tasks);
        html.append("</main>\n");
        appendFooter(html, language);
        return html.append("</body>\n</html>\n").toString();
    }

    private void appendHeader(StringBuilder html, PageLanguage language) {
        String servedBy = format(language, "page.servedBy", address.get(), Long.toString(pid));
        html.append("<header>\n<h1>").append(escaped(language, "page.heading")).append("</h1>\n")
                .append("<p id=\"served-by\">").append(HtmlEscaper.escape(servedBy)).append("</p>\n")
                .append("<p class=\"hint\">").append(escaped(language, "page.roundRobinHint")).append("</p>\n")
                .append("</header>\n");
    }

    private void appendAddForm(StringBuilder html, PageLanguage language, String titleDraft) {
        html.append("<form id=\"add-task\" method=\"post\" action=\"").append(TaskPageRoutes.FORM_TASKS_PATH)
                .append("\" accept-charset=\"UTF-8\">\n")
                .append("<label for=\"title\">").append(escaped(language, "page.addLabel")).append("</label>\n")
                .append("<input id=\"title\" name=\"title\" type=\"text\" required autocomplete=\"off\" value=\"")
                .append(HtmlEscaper.escape(titleDraft)).append("\">\n")
                .append("<button type=\"submit\" data-action=\"add\">").append(escaped(language, "page.addButton"))
                .append("</button>\n</form>\n");
    }

    private void appendTable(StringBuilder html, PageLanguage language, List<Task> tasks) {
        long completed = tasks.stream().filter(Task::completed).count();
        String summary = format(language, "page.summary", Integer.toString(tasks.size()), Long.toString(completed));
        html.append("<table id=\"tasks\">\n<caption>").append(HtmlEscaper.escape(summary)).append("</caption>\n")
                .append("<thead><tr>");
        for (String column : List.of("page.column.title", "page.column.created", "page.column.status",
                "page.column.actions")) {
            html.append("<th scope=\"col\">").append(escaped(language, column)).append("</th>");
        }
        html.append("</tr></thead>\n<tbody>\n");
        for (Task task : tasks) {
            appendRow(html, language, task);
        }
        html.append("</tbody>\n</table>\n");
        if (tasks.isEmpty()) {
            html.append("<p class=\"empty\">").append(escaped(language, "page.empty")).append("</p>\n");
        }
    }

    private void appendRow(StringBuilder html, PageLanguage language, Task task) {
        String taskPath = TaskPageRoutes.FORM_TASKS_PATH + "/" + task.id();
        html.append("<tr data-task-id=\"").append(task.id()).append("\" class=\"")
                .append(task.completed() ? "completed" : "pending").append("\">")
                .append("<td class=\"title\">").append(HtmlEscaper.escape(task.title())).append("</td>")
                .append("<td><time datetime=\"").append(HtmlEscaper.escape(task.createdAt())).append("\">")
                .append(HtmlEscaper.escape(displayTime(task.createdAt()))).append("</time></td>")
                .append("<td class=\"status\">")
                .append(escaped(language, task.completed() ? "page.status.completed" : "page.status.pending"))
                .append("</td>\n<td class=\"actions\">");
        if (!task.completed()) {
            appendButton(html, taskPath + TaskPageRoutes.COMPLETE_ACTION, "complete",
                    escaped(language, "page.completeButton"));
        }
        appendButton(html, taskPath + TaskPageRoutes.DELETE_ACTION, "delete", escaped(language, "page.deleteButton"));
        html.append("</td></tr>\n");
    }

    private static void appendButton(StringBuilder html, String action, String name, String label) {
        html.append("<form method=\"post\" action=\"").append(action).append("\">")
                .append("<button type=\"submit\" data-action=\"").append(name).append("\">").append(label)
                .append("</button></form>");
    }

    private void appendFooter(StringBuilder html, PageLanguage language) {
        html.append("<footer>\n<a href=\"").append(BackendRoutes.TASKS_PATH).append("\">")
                .append(escaped(language, "page.apiLink")).append("</a> &middot; <a href=\"")
                .append(BackendRoutes.ERROR_STATS_PATH).append("\">").append(escaped(language, "page.errorsLink"))
                .append("</a>\n</footer>\n");
    }

    /** Formats a stored ISO-8601 time as {@code 2026-12-04 21:44:11 UTC}, or returns it as is if it is not one. */
    private static String displayTime(String createdAt) {
        try {
            return CREATED_AT_FORMAT.format(Instant.parse(createdAt));
        } catch (DateTimeParseException e) {
            return createdAt;
        }
    }

    private String text(PageLanguage language, String key) {
        return bundles.get(language).getString(key);
    }

    private String escaped(PageLanguage language, String key) {
        return HtmlEscaper.escape(text(language, key));
    }

    /** Formats the MessageFormat pattern {@code key}. Pass numbers as strings, so that none gets grouping. */
    private String format(PageLanguage language, String key, Object... arguments) {
        return new MessageFormat(text(language, key), language.locale()).format(arguments);
    }
}
