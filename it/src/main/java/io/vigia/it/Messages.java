package io.vigia.it;

import java.text.MessageFormat;
import java.util.ResourceBundle;

/**
 * Screen text of the demo and the scenario client in one {@link Language}, read from the
 * {@code io/vigia/it/messages*.properties} bundles.
 *
 * <p>Patterns use {@link MessageFormat} syntax. Callers pass numbers as strings, so a count prints as
 * {@code 1000} and not with locale grouping. Immutable; any thread may use it.
 */
final class Messages {

    private static final String BUNDLE = "io.vigia.it.messages";

    private final Language language;
    private final ResourceBundle bundle;

    private Messages(Language language, ResourceBundle bundle) {
        this.language = language;
        this.bundle = bundle;
    }

    static Messages of(Language language) {
        // Without the no-fallback control, a request for English on a Spanish system would load the Spanish bundle.
        ResourceBundle.Control control = ResourceBundle.Control.getNoFallbackControl(
                ResourceBundle.Control.FORMAT_PROPERTIES);
        return new Messages(language, ResourceBundle.getBundle(BUNDLE, language.locale(), control));
    }

    Language language() {
        return language;
    }

    /** Formats the pattern stored under {@code key} with {@code arguments}. */
    String format(String key, Object... arguments) {
        return new MessageFormat(bundle.getString(key), language.locale()).format(arguments);
    }
}
