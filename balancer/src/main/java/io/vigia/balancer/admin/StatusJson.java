package io.vigia.balancer.admin;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.vigia.balancer.health.ProbeResult;
import io.vigia.core.ErrorStatsJson;
import java.time.Instant;

/**
 * JSON form of a {@link StatusReport}:
 * <pre>
 * {"listen": "127.0.0.1:8080", "started_at": ISO-8601, "uptime_seconds": n,
 *  "backends": [{"id": "127.0.0.1:5001", "state": "UP", "since": ISO-8601,
 *                "last_probe": {"time": ISO-8601, "ok": true, "latency_ms": 0.8, "status": 200, "error": null},
 *                "requests": n, "errors": n}],
 *  "total_errors": n}
 * </pre>
 * {@code last_probe} is {@code null} before the first probe finished, and {@code status} is {@code null}
 * when the probe got no HTTP response.
 */
public final class StatusJson {

    private StatusJson() {
    }

    /** Builds the JSON tree of {@code report}. */
    public static ObjectNode toTree(StatusReport report) {
        ObjectNode root = ErrorStatsJson.MAPPER.createObjectNode();
        root.put("listen", report.listen());
        root.put("started_at", Instant.ofEpochMilli(report.startedAtMillis()).toString());
        root.put("uptime_seconds", report.uptimeSeconds());
        ArrayNode backends = root.putArray("backends");
        for (StatusReport.BackendStatus backend : report.backends()) {
            backends.add(toTree(backend));
        }
        root.put("total_errors", report.totalErrors());
        return root;
    }

    private static ObjectNode toTree(StatusReport.BackendStatus backend) {
        ObjectNode node = ErrorStatsJson.MAPPER.createObjectNode();
        node.put("id", backend.id());
        node.put("state", backend.state().name());
        node.put("since", Instant.ofEpochMilli(backend.sinceMillis()).toString());
        ProbeResult probe = backend.lastProbe();
        if (probe == null) {
            node.putNull("last_probe");
        } else {
            ObjectNode probeNode = node.putObject("last_probe");
            probeNode.put("time", Instant.ofEpochMilli(probe.timeMillis()).toString());
            probeNode.put("ok", probe.ok());
            probeNode.put("latency_ms", probe.latencyMillis());
            if (probe.status() == 0) {
                probeNode.putNull("status");
            } else {
                probeNode.put("status", probe.status());
            }
            probeNode.put("error", probe.error());
        }
        node.put("requests", backend.requests());
        node.put("errors", backend.errors());
        return node;
    }
}
