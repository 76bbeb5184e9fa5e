package io.grpcbridge.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import com.microsoft.playwright.BrowserContext;
import com.microsoft.playwright.Page;

/**
 * A protocol v2 session in a real Chromium (the client library served by the gateway) across a
 * network taken away for 10 s, by a proxy between the browser and the gateway that resets the
 * connection and refuses new ones meanwhile (Playwright's offline mode leaves an open WebSocket
 * alone: it was tried first): the session resumes and every response arrives once, in order.
 */
class SessionOfflineIT {

    @RegisterExtension
    static final Pair pair = Pair.perClassWithShowcase();
    @RegisterExtension
    static final Chromium chromium = Chromium.perClass();

    private BrowserContext context;

    @AfterEach
    void closeTheContext() {
        if (context != null) {
            context.close();
        }
    }

    @Test
    void aSessionSurvivesTenSecondsOfflineWithEveryResponseOnceAndInOrder() throws Exception {
        context = chromium.newContext("en-US", 1280, 860);
        Page page = context.newPage();
        page.navigate(pair.gateway().uri().toString());
        try (CuttableProxy network = new CuttableProxy(pair.gateway().port())) {
            runTheStream(page, network);
        }
    }

    private void runTheStream(Page page, CuttableProxy network) {
        page.evaluate("""
                async (baseUrl) => {
                  const { openSession } = await import("/lib/grpc-ws-session.js");
                  window.received = [];
                  window.states = [];
                  const session = openSession({ baseUrl, backoff: () => 500,
                    onStateChange: (state, detail) => window.states.push(detail === "resumed" ? "RESUMED" : state) });
                  const call = session.openCall("showcase.Showcase/Count", { credit: 16 });
                  await call.send({ count: 3000, paddingBytes: 100 });
                  window.done = (async () => {
                    for await (const tick of call) {
                      window.received.push(Number(tick.index));
                      await new Promise((resolve) => setTimeout(resolve, 2)); // a reader slower than the stream
                    }
                    return (await call.status).code;
                  })();
                }""", network.url());
        page.waitForFunction("window.received.length >= 300");
        network.goOffline();
        page.waitForTimeout(10_000); // the scenario: ten seconds without a network
        network.goOnline();
        Object code = page.evaluate("window.done");
        @SuppressWarnings("unchecked")
        List<Integer> received = (List<Integer>) page.evaluate("window.received");
        System.out.printf("session offline: states %s; %d responses%n", page.evaluate("window.states"), received.size());
        assertEquals("OK", code);
        assertEquals(3000, received.size());
        for (int i = 0; i < received.size(); i++) {
            assertEquals(i, ((Number) received.get(i)).intValue(), "response " + i + " once, in order");
        }
        assertEquals(List.of("OPEN", "RECONNECTING", "RESUMED"),
                ((List<?>) page.evaluate("window.states")).stream().distinct().toList());
    }
}
