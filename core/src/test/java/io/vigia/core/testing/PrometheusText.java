package io.vigia.core.testing;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A small parser of the Prometheus text format 0.0.4 and the OpenMetrics 1.0 text format for tests: it
 * reads each sample line {@code name{label="value",...} value} and skips comments, timestamps and exemplars.
 *
 * <p>It checks only what tests rely on: a line it cannot read throws {@link IllegalArgumentException} with
 * the line. Immutable once parsed.
 */
public final class PrometheusText {

    /** One sample line. */
    public record Sample(String name, Map<String, String> labels, double value) {
    }

    private final List<Sample> samples;
    private final List<String> comments;

    private PrometheusText(List<Sample> samples, List<String> comments) {
        this.samples = samples;
        this.comments = comments;
    }

    /** Parses {@code text}, a whole exposition. */
    public static PrometheusText parse(String text) {
        List<Sample> samples = new ArrayList<>();
        List<String> comments = new ArrayList<>();
        for (String line : text.split("\n")) {
            if (line.isBlank()) {
                continue;
            }
            if (line.startsWith("#")) {
                comments.add(line);
                continue;
            }
            samples.add(parseSample(line));
        }
        return new PrometheusText(List.copyOf(samples), List.copyOf(comments));
    }

    public List<Sample> samples() {
        return samples;
    }

    /** Returns the comment lines, such as {@code # TYPE vigia_requests_total counter} and {@code # EOF}. */
    public List<String> comments() {
        return comments;
    }

    /** Returns the samples named {@code name}. */
    public List<Sample> samples(String name) {
        return samples.stream().filter(sample -> sample.name().equals(name)).toList();
    }

    /**
     * Returns the value of the sample named {@code name} whose labels include every pair in
     * {@code labelPairs} (name, value, name, value...), or {@code null} when there is none.
     *
     * @throws IllegalStateException when more than one sample matches
     */
    public Double value(String name, String... labelPairs) {
        List<Sample> matches = new ArrayList<>();
        for (Sample sample : samples(name)) {
            if (hasLabels(sample, labelPairs)) {
                matches.add(sample);
            }
        }
        if (matches.size() > 1) {
            throw new IllegalStateException(matches.size() + " samples match " + name + " " + List.of(labelPairs)
                    + ": " + matches);
        }
        return matches.isEmpty() ? null : matches.get(0).value();
    }

    /** Returns the sum of the samples named {@code name} whose labels include every pair in {@code labelPairs}. */
    public double sum(String name, String... labelPairs) {
        double sum = 0;
        for (Sample sample : samples(name)) {
            if (hasLabels(sample, labelPairs)) {
                sum += sample.value();
            }
        }
        return sum;
    }

    private static boolean hasLabels(Sample sample, String... labelPairs) {
        for (int i = 0; i + 1 < labelPairs.length; i += 2) {
            if (!labelPairs[i + 1].equals(sample.labels().get(labelPairs[i]))) {
                return false;
            }
        }
        return true;
    }

    private static Sample parseSample(String line) {
        int brace = line.indexOf('{');
        int space = line.indexOf(' ');
        if (space < 0) {
            throw new IllegalArgumentException("sample line without a value: " + line);
        }
        Map<String, String> labels = new LinkedHashMap<>();
        String name;
        int valueStart;
        if (brace >= 0 && brace < space) {
            name = line.substring(0, brace);
            valueStart = parseLabels(line, brace + 1, labels) + 1;
        } else {
            name = line.substring(0, space);
            valueStart = space;
        }
        String rest = line.substring(valueStart).trim();
        String valueText = rest.split(" ")[0];
        return new Sample(name, Map.copyOf(labels), parseValue(valueText, line));
    }

    /** Reads {@code name="value",...} up to the closing brace and returns the brace's index. */
    private static int parseLabels(String line, int start, Map<String, String> labels) {
        int i = start;
        while (i < line.length() && line.charAt(i) != '}') {
            int equals = line.indexOf('=', i);
            if (equals < 0 || line.charAt(equals + 1) != '"') {
                throw new IllegalArgumentException("invalid label at index " + i + ": " + line);
            }
            String labelName = line.substring(i, equals);
            StringBuilder value = new StringBuilder();
            int j = equals + 2;
            for (; line.charAt(j) != '"'; j++) {
                char c = line.charAt(j);
                if (c == '\\') {
                    j++;
                    char escaped = line.charAt(j);
                    value.append(escaped == 'n' ? '\n' : escaped);
                } else {
                    value.append(c);
                }
            }
            labels.put(labelName, value.toString());
            i = j + 1;
            if (i < line.length() && line.charAt(i) == ',') {
                i++;
            }
        }
        if (i >= line.length()) {
            throw new IllegalArgumentException("unclosed label set: " + line);
        }
        return i;
    }

    private static double parseValue(String text, String line) {
        switch (text) {
            case "+Inf":
                return Double.POSITIVE_INFINITY;
            case "-Inf":
                return Double.NEGATIVE_INFINITY;
            case "NaN":
                return Double.NaN;
            default:
                try {
                    return Double.parseDouble(text);
                } catch (NumberFormatException e) {
                    throw new IllegalArgumentException("invalid sample value '" + text + "': " + line, e);
                }
        }
    }
}
