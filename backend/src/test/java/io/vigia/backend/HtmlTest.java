package io.vigia.backend;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class HtmlTest {

    @Test
    void escapesMarkupCharacters() {
        assertThat(Html.escape("<script>alert('x') & \"y\"</script>"))
                .isEqualTo("&lt;script&gt;alert(&#39;x&#39;) &amp; &quot;y&quot;&lt;/script&gt;");
    }

    @Test
    void keepsPlainTextAsIs() {
        String text = "Comprar café ☕ 😀";

        assertThat(Html.escape(text)).isSameAs(text);
    }

    @Test
    void escapesAlreadyEscapedTextAgain() {
        assertThat(Html.escape("&amp;")).isEqualTo("&amp;amp;");
    }

    @Test
    void nullIsEmpty() {
        assertThat(Html.escape(null)).isEmpty();
    }
}
