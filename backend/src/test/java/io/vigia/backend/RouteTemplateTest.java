package io.vigia.backend;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class RouteTemplateTest {

    @Test
    void fixedPathsMatchExactly() {
        assertThat(RouteTemplate.of("/")).isEqualTo(RouteTemplate.PAGE);
        assertThat(RouteTemplate.of("/api/tasks?limit=5")).isEqualTo(RouteTemplate.TASKS);
        assertThat(RouteTemplate.of("/api/tasks/simulate-error")).isEqualTo(RouteTemplate.SIMULATE_ERROR);
        assertThat(RouteTemplate.of("/metrics")).isEqualTo(RouteTemplate.METRICS);
        assertThat(RouteTemplate.of("/health#x")).isEqualTo(RouteTemplate.HEALTH);
    }

    @Test
    void idsCollapseIntoTemplates() {
        assertThat(RouteTemplate.of("/api/tasks/42")).isEqualTo(RouteTemplate.TASK);
        assertThat(RouteTemplate.of("/api/tasks/abc")).isEqualTo(RouteTemplate.TASK);
        assertThat(RouteTemplate.of("/api/tasks/42/complete")).isEqualTo(RouteTemplate.TASK_COMPLETE);
        assertThat(RouteTemplate.of("/tasks/7/complete")).isEqualTo(RouteTemplate.FORM_TASK_COMPLETE);
        assertThat(RouteTemplate.of("/tasks/7/delete")).isEqualTo(RouteTemplate.FORM_TASK_DELETE);
        assertThat(RouteTemplate.TASK.label()).isEqualTo("/api/tasks/{id}");
    }

    @Test
    void unservedPathsAreOther() {
        assertThat(RouteTemplate.of("/missing")).isEqualTo(RouteTemplate.OTHER);
        assertThat(RouteTemplate.of("/api/tasks/")).isEqualTo(RouteTemplate.OTHER);
        assertThat(RouteTemplate.of("/api/tasks/1/2")).isEqualTo(RouteTemplate.OTHER);
        assertThat(RouteTemplate.of("/api/tasks//complete")).isEqualTo(RouteTemplate.OTHER);
        assertThat(RouteTemplate.of("/tasks/7")).isEqualTo(RouteTemplate.OTHER);
        assertThat(RouteTemplate.of("/tasks//delete")).isEqualTo(RouteTemplate.OTHER);
        assertThat(RouteTemplate.of(null)).isEqualTo(RouteTemplate.OTHER);
        assertThat(RouteTemplate.OTHER.label()).isEqualTo("other");
    }
}
