package io.grpcbridge.gateway.admission;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import jakarta.enterprise.inject.Produces;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;

import org.junit.jupiter.api.Test;

import io.grpcbridge.gateway.fakes.FakeBackends;
import io.grpcbridge.testing.TestSocket;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;

/** With tracing built in and switched on, a socket's gRPC call belongs to the trace of its HTTP upgrade. */
@QuarkusTest
@TestProfile(TracingTest.TracingOn.class)
@FakeBackends
class TracingTest {

    public static class TracingOn implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("quarkus.otel.enabled", "true", "quarkus.otel.sdk.disabled", "false",
                    "quarkus.otel.bsp.schedule.delay", "0");
        }
    }

    @Singleton
    static class Exporter {
        @Produces
        @Singleton
        InMemorySpanExporter inMemory() {
            return InMemorySpanExporter.create();
        }
    }

    @Inject
    InMemorySpanExporter spans;

    @TestHTTPResource("/ws")
    URI ws;

    @Test
    void theGrpcCallOfASocketJoinsTheTraceOfItsUpgrade() throws Exception {
        TestSocket socket = TestSocket.connect(ws).send("{\"input\":\"traced\"}");
        socket.next(2);
        socket.closeNormally();

        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            List<SpanData> finished = spans.getFinishedSpanItems();
            SpanData upgrade = finished.stream().filter(s -> s.getKind() == SpanKind.SERVER && s.getName().equals("GET /ws"))
                    .findFirst().orElseThrow();
            SpanData call = finished.stream()
                    .filter(s -> s.getKind() == SpanKind.CLIENT && s.getName().equals("chat.Chat/BidStream"))
                    .findFirst().orElseThrow();
            assertThat(call.getTraceId()).isEqualTo(upgrade.getTraceId());
            assertThat(call.getParentSpanId()).isEqualTo(upgrade.getSpanId());
        });
    }
}
