package io.vigia.core.http;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class HtmlEscaperTest {

    @Test
    void escapesScriptTag() {
        assertThat(HtmlEscaper.escape("<script>alert(1)</script>"))
                .isEqualTo("&lt;script&gt;alert(1)&lt;/script&gt;");
    }

    @Test
    void escapesQuotesForAttributes() {
        assertThat(HtmlEscaper.escape("say \"hi\" and 'bye'")).isEqualTo("say &quot;hi&quot; and &#39;bye&#39;");
    }

    @Test
    void escapesAmpersandsOnce() {
        assertThat(HtmlEscaper.escape("a & b &amp; c")).isEqualTo("a &amp; b &amp;amp; c");
    }

    @Test
    void returnsPlainTextUnchanged() {
        String text = "Última sonda · 5 min";

        assertThat(HtmlEscaper.escape(text)).isSameAs(text);
    }

    @Test
    void escapesJsonForDataAttribute() {
        assertThat(HtmlEscaper.escape("{\"a\":\"<b>\"}")).isEqualTo("{&quot;a&quot;:&quot;&lt;b&gt;&quot;}");
    }

    @Test
    void nullBecomesEmpty() {
        assertThat(HtmlEscaper.escape(null)).isEmpty();
    }
}
