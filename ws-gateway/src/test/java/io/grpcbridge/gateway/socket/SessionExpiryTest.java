package io.grpcbridge.gateway.socket;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.URI;
import java.time.Duration;
import java.util.Map;

import org.junit.jupiter.api.Test;

import io.grpcbridge.gateway.fakes.FakeBackends;
import io.grpcbridge.testing.Prometheus;
import io.grpcbridge.testing.TestSocket;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;

/**
 * A session whose socket is lost, and whose client does not come back within the resume window
 * (1 s here): its calls are cancelled when the window runs out, and its token resumes nothing.
 */
@QuarkusTest
@FakeBackends
@TestProfile(SessionExpiryTest.OneSecondWindow.class)
class SessionExpiryTest {

    public static class OneSecondWindow implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("gateway.session.resume-window", "1s");
        }
    }

    @TestHTTPResource("/session")
    URI session;

    @TestHTTPResource("/")
    URI root;

    @Test
    void aLostSessionsCallsRunUntilItsWindowEndsThenAreCancelledAndItsTokenResumesNothing() throws Exception {
        double streams = Prometheus.sample(root, "gateway_streams_active");
        double expired = Prometheus.sample(root, "gateway_sessions_expired_total");
        SessionsTest.Calls calls = SessionsTest.Calls.open(session);
        for (int id = 1; id <= 10; id++) {
            calls.open(id, "showcase.Showcase/Count", 0);
            calls.request(id, "{\"count\":1000000}");
        }
        await().atMost(Duration.ofSeconds(10))
                .untilAsserted(() -> assertThat(Prometheus.sample(root, "gateway_streams_active")).isEqualTo(streams + 10));

        calls.socket.abort();

        await().atMost(Duration.ofSeconds(10))
                .untilAsserted(() -> assertThat(Prometheus.sample(root, "gateway_sessions_expired_total")).isEqualTo(expired + 1));
        assertThat(Prometheus.sample(root, "gateway_streams_active")).isEqualTo(streams);
        TestSocket late = TestSocket.connect(URI.create(session + "?resume=gateway"));
        late.send("{\"resume\":\"" + calls.token + "\"}");
        assertThat(late.awaitClose().code()).isEqualTo(4404);
    }
}
