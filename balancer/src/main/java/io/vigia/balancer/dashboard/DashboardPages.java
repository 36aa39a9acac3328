package io.vigia.balancer.dashboard;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.vigia.core.ErrorStatsJson;
import io.vigia.core.http.HtmlEscaper;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.EnumMap;
import java.util.Map;
import java.util.ResourceBundle;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The dashboard's static files, read from the classpath once and kept as byte arrays: the page rendered in
 * each {@link DashboardLanguage}, the script, the style sheet and the icon.
 *
 * <p>The page template {@code dashboard.html} contains {@code {{key}}} placeholders. Each is replaced by the
 * HTML-escaped value of that key in the language's bundle {@code messages_es.properties} or
 * {@code messages_en.properties}, except two: {@code {{lang}}} becomes the language tag and {@code {{i18n}}}
 * becomes the JSON object of every {@code js.*} key (prefix removed), which the script reads from the
 * {@code data-i18n} attribute of {@code <body>}.
 *
 * <p>Loading reads files, so {@link #load()} runs at startup and never on an event loop. The instance is
 * immutable afterwards and callers must not modify the returned arrays; any thread may read them.
 */
final class DashboardPages {

    static final String RESOURCE_DIR = "/io/vigia/balancer/dashboard/";
    static final String BUNDLE = "io.vigia.balancer.dashboard.messages";
    private static final String SCRIPT_KEY_PREFIX = "js.";
    private static final Pattern PLACEHOLDER = Pattern.compile("\\{\\{([A-Za-z0-9_.]+)}}");

    private final Map<DashboardLanguage, byte[]> pages;
    private final byte[] script;
    private final byte[] styleSheet;
    private final byte[] icon;

    private DashboardPages(Map<DashboardLanguage, byte[]> pages, byte[] script, byte[] styleSheet, byte[] icon) {
        this.pages = pages;
        this.script = script;
        this.styleSheet = styleSheet;
        this.icon = icon;
    }

    /**
     * Reads and renders every file.
     *
     * @throws IllegalStateException when a file is missing or the template names a key a bundle lacks
     */
    static DashboardPages load() {
        String template = new String(readResource("dashboard.html"), StandardCharsets.UTF_8);
        Map<DashboardLanguage, byte[]> pages = new EnumMap<>(DashboardLanguage.class);
        for (DashboardLanguage language : DashboardLanguage.values()) {
            pages.put(language, render(template, language).getBytes(StandardCharsets.UTF_8));
        }
        return new DashboardPages(pages, readResource("app.js"), readResource("app.css"),
                readResource("favicon.svg"));
    }

    byte[] page(DashboardLanguage language) {
        return pages.get(language);
    }

    byte[] script() {
        return script;
    }

    byte[] styleSheet() {
        return styleSheet;
    }

    byte[] icon() {
        return icon;
    }

    /** Loads the bundle of {@code language} without falling back to the JVM's default locale. */
    static ResourceBundle bundle(DashboardLanguage language) {
        ResourceBundle.Control control =
                ResourceBundle.Control.getNoFallbackControl(ResourceBundle.Control.FORMAT_PROPERTIES);
        return ResourceBundle.getBundle(BUNDLE, language.locale(), control);
    }

    /** Replaces every placeholder of {@code template} with the text of {@code language}. */
    static String render(String template, DashboardLanguage language) {
        ResourceBundle bundle = bundle(language);
        Matcher matcher = PLACEHOLDER.matcher(template);
        StringBuilder page = new StringBuilder(template.length() + 4096);
        while (matcher.find()) {
            matcher.appendReplacement(page, Matcher.quoteReplacement(valueOf(matcher.group(1), bundle, language)));
        }
        matcher.appendTail(page);
        return page.toString();
    }

    private static String valueOf(String key, ResourceBundle bundle, DashboardLanguage language) {
        if (key.equals("lang")) {
            return language.tag();
        }
        if (key.equals("i18n")) {
            return HtmlEscaper.escape(scriptLabels(bundle));
        }
        if (!bundle.containsKey(key)) {
            throw new IllegalStateException("dashboard.html uses key '" + key + "' that bundle " + BUNDLE + "_"
                    + language.tag() + " does not define");
        }
        return HtmlEscaper.escape(bundle.getString(key));
    }

    /** Returns the {@code js.*} entries of {@code bundle} as a JSON object, keys without the prefix, sorted. */
    static String scriptLabels(ResourceBundle bundle) {
        ObjectNode labels = ErrorStatsJson.MAPPER.createObjectNode();
        for (String key : new TreeSet<>(bundle.keySet())) {
            if (key.startsWith(SCRIPT_KEY_PREFIX)) {
                labels.put(key.substring(SCRIPT_KEY_PREFIX.length()), bundle.getString(key));
            }
        }
        try {
            return ErrorStatsJson.MAPPER.writeValueAsString(labels);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot serialize the dashboard labels", e);
        }
    }

    private static byte[] readResource(String name) {
        String path = RESOURCE_DIR + name;
        try (InputStream in = DashboardPages.class.getResourceAsStream(path)) {
            if (in == null) {
                throw new IllegalStateException("dashboard resource " + path + " is missing from the classpath");
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read dashboard resource " + path, e);
        }
    }
}
