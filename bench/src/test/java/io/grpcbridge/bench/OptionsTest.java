package io.grpcbridge.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.grpcbridge.bench.Options.CloseMode;
import io.grpcbridge.bench.Options.Mode;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class OptionsTest {

    @Test
    void eachModeHasItsDefaults() throws UsageException {
        Options latency = Options.parse(new String[] {"latency"});
        assertEquals(Mode.LATENCY, latency.mode());
        assertEquals(URI.create("ws://127.0.0.1:8080/ws"), latency.url());
        assertEquals(1, latency.connections());
        assertEquals(1, latency.inFlight());
        assertEquals(Duration.ofSeconds(2), latency.warmup());
        assertEquals(Duration.ofSeconds(10), latency.duration());
        assertEquals(Duration.ofSeconds(5), latency.reqTimeout());
        assertNull(latency.json());
        assertEquals(List.of(), latency.pids());

        Options throughput = Options.parse(new String[] {"throughput"});
        assertEquals(50, throughput.connections());
        assertEquals(8, throughput.inFlight());
        assertFalse(throughput.stream());

        Options churn = Options.parse(new String[] {"churn"});
        assertEquals(20, churn.connections());
        assertEquals(2000, churn.count());
        assertEquals(CloseMode.NORMAL, churn.close());

        Options idle = Options.parse(new String[] {"idle"});
        assertEquals(1000, idle.count());
        assertEquals(500, idle.rate());
        assertEquals(Duration.ofSeconds(10), idle.hold());
    }

    @Test
    void longShortAndEqualsFormsAreRead() throws UsageException {
        Options o = Options.parse(new String[] {"throughput", "--url=ws://localhost:18080/ws", "-c", "20", "-k", "4",
                "--stream", "-w", "0", "--duration", "500ms", "--json", "out.json", "--pids", "12, 34"});
        assertEquals(URI.create("ws://localhost:18080/ws"), o.url());
        assertEquals(20, o.connections());
        assertEquals(4, o.inFlight());
        assertTrue(o.stream());
        assertEquals(Duration.ZERO, o.warmup());
        assertEquals(Duration.ofMillis(500), o.duration());
        assertEquals(Path.of("out.json"), o.json());
        assertEquals(List.of(12L, 34L), o.pids());

        Options churn = Options.parse(new String[] {"churn", "--cycles", "100", "--close", "both"});
        assertEquals(100, churn.count());
        assertEquals(CloseMode.BOTH, churn.close());
    }

    @Test
    void aSessionRunTakesItsUrlFromWsAndItsCalls() throws UsageException {
        Options plain = Options.parse(new String[] {"throughput"});
        assertFalse(plain.session());
        assertEquals(1, plain.calls());
        Options o = Options.parse(new String[] {"throughput", "--session", "--calls", "8", "--url", "ws://127.0.0.1:28080/ws?client=b"});
        assertTrue(o.session());
        assertEquals(8, o.calls());
        assertEquals(URI.create("ws://127.0.0.1:28080/session?client=b"), o.url());
        assertEquals(URI.create("ws://127.0.0.1:8080/session"), Options.parse(new String[] {"latency", "--session"}).url());
        assertEquals(URI.create("ws://[::1]:1/session"),
                Options.parse(new String[] {"throughput", "--session", "--url", "ws://[::1]:1/session"}).url());
        assertThrows(UsageException.class, () -> Options.parse(new String[] {"throughput", "--calls", "8"}));
        assertThrows(UsageException.class, () -> Options.parse(new String[] {"throughput", "--url", "ws://127.0.0.1/session"}));
        assertThrows(UsageException.class,
                () -> Options.parse(new String[] {"throughput", "--session", "--url", "ws://127.0.0.1/ws/chat.Chat/BidStream"}));
        assertThrows(UsageException.class, () -> Options.parse(new String[] {"latency", "--session", "--calls", "2"}));
        assertThrows(UsageException.class, () -> Options.parse(new String[] {"churn", "--session"}));
        assertThrows(UsageException.class, () -> Options.parse(new String[] {"throughput", "--session=yes"}));
    }

    @Test
    void durationsTakeUnitsOrBareSeconds() {
        assertEquals(Duration.ofSeconds(10), Options.parseDuration("10s"));
        assertEquals(Duration.ofMillis(250), Options.parseDuration("250ms"));
        assertEquals(Duration.ofMinutes(1), Options.parseDuration("1m"));
        assertEquals(Duration.ofMillis(2500), Options.parseDuration("2.5"));
        assertNull(Options.parseDuration("soon"));
    }

    @Test
    void badCommandLinesAreRefused() {
        assertThrows(UsageException.class, () -> Options.parse(new String[] {}));
        assertThrows(UsageException.class, () -> Options.parse(new String[] {"soak"}));
        assertThrows(UsageException.class, () -> Options.parse(new String[] {"latency", "--bogus", "1"}));
        assertThrows(UsageException.class, () -> Options.parse(new String[] {"latency", "-k", "8"}));
        assertThrows(UsageException.class, () -> Options.parse(new String[] {"throughput", "-c", "0"}));
        assertThrows(UsageException.class, () -> Options.parse(new String[] {"throughput", "-d"}));
        assertThrows(UsageException.class, () -> Options.parse(new String[] {"throughput", "-d", "-1s"}));
        assertThrows(UsageException.class, () -> Options.parse(new String[] {"churn", "--close", "soft"}));
        assertThrows(UsageException.class, () -> Options.parse(new String[] {"idle", "--url", "http://127.0.0.1/ws"}));
        assertThrows(UsageException.class, () -> Options.parse(new String[] {"idle", "--pids", "12,x"}));
        assertThrows(UsageException.class, () -> Options.parse(new String[] {"idle", "-n", "5", "-n", "6"}));
    }

    @Test
    void onlyLoopbackTargetsAreAccepted() throws UsageException {
        assertEquals("127.0.0.1", Target.loopback(URI.create("ws://127.0.0.1:18080/ws")).address());
        assertEquals(18080, Target.loopback(URI.create("ws://[::1]:18080/ws")).port());
        assertEquals("/ws?client=b1", Target.loopback(URI.create("ws://127.0.0.2:1/ws?client=b1")).path());
        assertThrows(UsageException.class, () -> Target.loopback(URI.create("ws://10.0.0.1:8080/ws")));
        assertThrows(UsageException.class, () -> Target.loopback(URI.create("ws://192.168.1.1/ws")));
    }
}
