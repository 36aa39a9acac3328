package io.vigia.balancer.dashboard;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import io.vigia.core.ErrorStatsJson;
import java.nio.charset.StandardCharsets;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

class DashboardPagesTest {

    private static final Pattern I18N_ATTRIBUTE = Pattern.compile("data-i18n=\"([^\"]*)\"");

    private final DashboardPages pages = DashboardPages.load();

    @Test
    void bundlesDefineSameKeys() {
        assertThat(DashboardPages.bundle(DashboardLanguage.ES).keySet())
                .containsExactlyInAnyOrderElementsOf(DashboardPages.bundle(DashboardLanguage.EN).keySet());
    }

    @Test
    void spanishPageReadsBundleAsUtf8() {
        String page = page(DashboardLanguage.ES);

        assertThat(page).contains("<html lang=\"es\">");
        assertThat(page).contains("Última sonda");
        assertThat(page).contains("<title>Vigía · Panel de errores</title>");
    }

    @Test
    void englishPageHasEnglishText() {
        String page = page(DashboardLanguage.EN);

        assertThat(page).contains("<html lang=\"en\">");
        assertThat(page).contains("Last probe");
    }

    @Test
    void everyPlaceholderIsReplaced() {
        for (DashboardLanguage language : DashboardLanguage.values()) {
            assertThat(page(language)).as(language.tag()).doesNotContain("{{").doesNotContain("}}");
        }
    }

    @Test
    void scriptLabelsAreEscapedJsonInBodyAttribute() throws Exception {
        Matcher matcher = I18N_ATTRIBUTE.matcher(page(DashboardLanguage.ES));
        assertThat(matcher.find()).isTrue();
        String attribute = matcher.group(1);

        JsonNode labels = ErrorStatsJson.MAPPER.readTree(attribute.replace("&quot;", "\"").replace("&amp;", "&"));

        assertThat(attribute).doesNotContain("\"").contains("&quot;");
        assertThat(labels.path("state.EJECTED").asText()).isEqualTo("EXPULSADO");
        assertThat(labels.path("ago").asText()).isEqualTo("hace {0}");
        assertThat(labels.has("js.ago")).isFalse();
    }

    @Test
    void unknownTemplateKeyFailsAtLoad() {
        assertThatThrownBy(() -> DashboardPages.render("<p>{{page.noSuchKey}}</p>", DashboardLanguage.EN))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("page.noSuchKey");
    }

    @Test
    void staticFilesAreLoaded() {
        assertThat(new String(pages.script(), StandardCharsets.UTF_8)).contains("EventSource");
        assertThat(new String(pages.styleSheet(), StandardCharsets.UTF_8)).contains("data-state");
        assertThat(new String(pages.icon(), StandardCharsets.UTF_8)).startsWith("<svg");
    }

    private String page(DashboardLanguage language) {
        return new String(pages.page(language), StandardCharsets.UTF_8);
    }
}
