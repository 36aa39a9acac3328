package io.vigia.balancer.logging;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.Configurator.ExecutionStatus;
import org.junit.jupiter.api.Test;

class BalancerLogConfiguratorTest {

    @Test
    void defersToLogbackFileOnClassPath() {
        // The test class path contains logback-test.xml, as a user's class path may contain a logback.xml.
        LoggerContext context = new LoggerContext();
        BalancerLogConfigurator configurator = new BalancerLogConfigurator();
        configurator.setContext(context);

        assertThat(configurator.configure(context)).isEqualTo(ExecutionStatus.INVOKE_NEXT_IF_ANY);
        assertThat(context.getLogger("ROOT").iteratorForAppenders().hasNext()).isFalse();
        assertThat(context.getProperty(BalancerLogConfigurator.CONFIGURED_BY)).isNull();
    }
}
