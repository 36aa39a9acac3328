package io.vigia.it;

import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.extension.ConditionEvaluationResult;
import org.junit.jupiter.api.extension.ExecutionCondition;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Skips a browser test class, before its {@code @BeforeAll} starts any process, when Chromium or chromedriver
 * is missing, so that a build without them stays green. Maven reports the tests as skipped, and the reason is
 * logged once as a warning and kept in the failsafe report. Apply it with {@code @ExtendWith}.
 */
final class BrowserInstalled implements ExecutionCondition {

    private static final Logger LOG = LoggerFactory.getLogger(BrowserInstalled.class);
    private static final AtomicBoolean WARNED = new AtomicBoolean();

    @Override
    public ConditionEvaluationResult evaluateExecutionCondition(ExtensionContext context) {
        String reason = Browser.missingBrowserReason();
        if (reason == null) {
            return ConditionEvaluationResult.enabled("Chromium and chromedriver are installed");
        }
        if (WARNED.compareAndSet(false, true)) {
            LOG.warn(reason);
        }
        return ConditionEvaluationResult.disabled(reason);
    }
}
