package io.vigia.balancer.admin;

import io.vigia.balancer.health.ProbeResult;
import io.vigia.core.http.HtmlEscaper;
import java.time.Instant;

/**
 * The HTML form of a {@link StatusReport}: one table, in Spanish or English, with every value HTML-escaped.
 * Stateless and thread-safe.
 */
public final class StatusPage {

    /** Page language. */
    public enum Language {
        EN("en", "Vigía balancer status", "Listening on", "Started", "Uptime (s)", "Total errors",
                new String[] {"Backend", "State", "Since", "Last probe", "Probe result", "Latency (ms)",
                        "HTTP status", "Probe error", "Requests", "Errors"}, "ok", "failed", "none yet"),
        ES("es", "Estado del balanceador Vigía", "Escucha en", "Iniciado", "Tiempo activo (s)", "Errores totales",
                new String[] {"Backend", "Estado", "Desde", "Último sondeo", "Resultado del sondeo", "Latencia (ms)",
                        "Estado HTTP", "Error del sondeo", "Peticiones", "Errores"}, "correcto", "fallido",
                "ninguno todavía");

        private final String tag;
        private final String title;
        private final String listenLabel;
        private final String startedLabel;
        private final String uptimeLabel;
        private final String totalErrorsLabel;
        private final String[] columns;
        private final String ok;
        private final String failed;
        private final String noProbe;

        Language(String tag, String title, String listenLabel, String startedLabel, String uptimeLabel,
                 String totalErrorsLabel, String[] columns, String ok, String failed, String noProbe) {
            this.tag = tag;
            this.title = title;
            this.listenLabel = listenLabel;
            this.startedLabel = startedLabel;
            this.uptimeLabel = uptimeLabel;
            this.totalErrorsLabel = totalErrorsLabel;
            this.columns = columns;
            this.ok = ok;
            this.failed = failed;
            this.noProbe = noProbe;
        }

        /** The BCP 47 tag, for {@code lang} and {@code Content-Language}. */
        public String tag() {
            return tag;
        }
    }

    private StatusPage() {
    }

    /** Renders {@code report} as a complete HTML document. */
    public static String render(StatusReport report, Language language) {
        StringBuilder html = new StringBuilder(2048);
        html.append("<!DOCTYPE html>\n<html lang=\"").append(language.tag).append("\">\n<head>\n")
                .append("<meta charset=\"utf-8\">\n<title>").append(HtmlEscaper.escape(language.title)).append("</title>\n")
                .append("</head>\n<body>\n<h1>").append(HtmlEscaper.escape(language.title)).append("</h1>\n<p>")
                .append(HtmlEscaper.escape(language.listenLabel)).append(": ").append(HtmlEscaper.escape(report.listen())).append(" | ")
                .append(HtmlEscaper.escape(language.startedLabel)).append(": ")
                .append(HtmlEscaper.escape(Instant.ofEpochMilli(report.startedAtMillis()).toString())).append(" | ")
                .append(HtmlEscaper.escape(language.uptimeLabel)).append(": ").append(report.uptimeSeconds()).append(" | ")
                .append(HtmlEscaper.escape(language.totalErrorsLabel)).append(": ").append(report.totalErrors())
                .append("</p>\n<table border=\"1\">\n<thead><tr>");
        for (String column : language.columns) {
            html.append("<th>").append(HtmlEscaper.escape(column)).append("</th>");
        }
        html.append("</tr></thead>\n<tbody>\n");
        for (StatusReport.BackendStatus backend : report.backends()) {
            appendRow(html, backend, language);
        }
        return html.append("</tbody>\n</table>\n</body>\n</html>\n").toString();
    }

    private static void appendRow(StringBuilder html, StatusReport.BackendStatus backend, Language language) {
        ProbeResult probe = backend.lastProbe();
        html.append("<tr>");
        cell(html, backend.id());
        cell(html, backend.state().name());
        cell(html, Instant.ofEpochMilli(backend.sinceMillis()).toString());
        if (probe == null) {
            cell(html, language.noProbe);
            cell(html, "");
            cell(html, "");
            cell(html, "");
            cell(html, "");
        } else {
            cell(html, Instant.ofEpochMilli(probe.timeMillis()).toString());
            cell(html, probe.ok() ? language.ok : language.failed);
            cell(html, String.valueOf(probe.latencyMillis()));
            cell(html, probe.status() == 0 ? "" : String.valueOf(probe.status()));
            cell(html, probe.error() == null ? "" : probe.error());
        }
        cell(html, String.valueOf(backend.requests()));
        cell(html, String.valueOf(backend.errors()));
        html.append("</tr>\n");
    }

    private static void cell(StringBuilder html, String value) {
        html.append("<td>").append(HtmlEscaper.escape(value)).append("</td>");
    }
}
