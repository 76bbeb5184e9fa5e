package io.grpcbridge.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

import io.grpcbridge.testing.TestSocket;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;

/** Over gateway.socket.max-inputs-per-second: an error frame, then 1008 if it goes on. */
@QuarkusTest
@TestProfile(InputRateTest.FivePerSecond.class)
@QuarkusTestResource(value = FakeChatServer.class, restrictToAnnotatedClass = true)
class InputRateTest {

    public static class FivePerSecond implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("gateway.socket.max-inputs-per-second", "5");
        }
    }

    @TestHTTPResource("/ws")
    URI ws;

    @Test
    void inputOverTheRateGetsResourceExhaustedThenTheSocketIsClosed1008IfItGoesOn() throws Exception {
        TestSocket socket = TestSocket.connect(ws);
        for (int i = 0; i < 6; i++) {
            socket.send("{\"input\":\"i" + i + "\"}");
        }
        List<String> frames = socket.next(11);
        assertThat(frames).filteredOn(f -> f.startsWith("{\"output\"")).hasSize(5);
        assertThat(frames).filteredOn(f -> f.startsWith("{\"error\"")).singleElement().asString()
                .startsWith("{\"error\":{\"code\":\"RESOURCE_EXHAUSTED\"");

        // Keep flooding until the gateway closes the socket, a second after the warning. A fixed
        // number of sends is no bound here: a fast gateway took 100,000 of them in under a second.
        long giveUpAt = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
        try {
            while (!socket.closed.isDone() && System.nanoTime() < giveUpAt) {
                socket.send("{\"input\":\"more\"}");
            }
        } catch (CompletionException closedWhileSending) {
            // the gateway closed the socket while this was being sent
        }
        assertThat(socket.awaitClose().code()).isEqualTo(1008);
    }
}
