package io.grpcbridge.e2e;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import com.microsoft.playwright.BrowserContext;
import com.microsoft.playwright.Locator;
import com.microsoft.playwright.Page;

/**
 * The typed chat page ({@code /connect/}: a Connect-ES client generated from chat.proto, over the
 * gateway's WebSocket transport) in a real Chromium, against the packaged pair with the gateway
 * also bridging the showcase service; and the core of the transport's tests run in that page, with
 * the clients its module exports: every method kind, the JSON mapping, errors, cancellation.
 */
class ConnectPageIT {

    @RegisterExtension
    static final Pair pair = Pair.perClassWithShowcase();
    @RegisterExtension
    static final Chromium chromium = Chromium.perClass();

    private BrowserContext context;
    private Page page;
    private final List<String> sockets = new CopyOnWriteArrayList<>();
    private final List<String> pageErrors = new CopyOnWriteArrayList<>();
    private final List<String> consoleErrors = new CopyOnWriteArrayList<>();

    @BeforeEach
    void openThePage() {
        context = chromium.newContext("en-US", 1280, 860);
        page = context.newPage();
        page.onPageError(pageErrors::add);
        page.onConsoleMessage(message -> {
            if (message.type().equals("error")) {
                consoleErrors.add(message.text());
            }
        });
        page.onWebSocket(socket -> sockets.add(socket.url()));
        page.navigate(pair.gateway().uri() + "connect/");
    }

    @AfterEach
    void closeTheContext() {
        context.close();
        assertEquals(List.of(), pageErrors, "uncaught errors in the page");
        assertEquals(List.of(), consoleErrors, "errors on the browser's console");
    }

    @Test
    void aTypedConversationStreamsBothWaysAndEndsWhenTheServiceEndsIt() {
        Locator state = page.getByTestId("state");
        assertThat(state).hasAttribute("data-state", "connected");
        page.getByTestId("input").fill("你好");
        page.getByTestId("send").click();
        Locator outputs = page.locator("[data-kind=output]");
        assertThat(outputs).hasText(new String[] {"服务端返回: 你好"});

        page.getByTestId("cmd-stream").click();
        assertThat(outputs).hasCount(11);
        assertThat(outputs.last()).hasText("数据流 #9");

        page.getByTestId("cmd-end").click();
        assertThat(outputs.last()).hasText("收到结束指令");
        assertThat(state).hasAttribute("data-state", "ended");
        assertEquals(List.of(pair.gateway().uri().toString().replace("http:", "ws:") + "ws/chat.Chat/BidStream?client=connect-page"),
                sockets, "one method socket for the conversation");
    }

    @Test
    void cancellingEndsTheCallAndANewConversationStartsAfresh() {
        assertThat(page.getByTestId("state")).hasAttribute("data-state", "connected");
        page.getByTestId("cancel").click();
        assertThat(page.locator("[data-kind=error]")).containsText("Canceled: ");
        assertThat(page.getByTestId("state")).hasAttribute("data-state", "ended");

        page.getByTestId("restart").click();
        assertThat(page.getByTestId("state")).hasAttribute("data-state", "connected");
        page.getByTestId("input").fill("again");
        page.getByTestId("send").click();
        assertThat(page.locator("[data-kind=output]")).hasText(new String[] {"服务端返回: again"});
    }

    @Test
    void theTransportsCoreSuitePassesInTheBrowser() {
        @SuppressWarnings("unchecked")
        Map<String, Object> results = (Map<String, Object>) page.evaluate(CORE_SUITE);
        assertEquals(Map.of(
                "unaryRoundTripEquals", true,
                "unaryHeader", "unary",
                "unaryTrailer", "done",
                "serverStreamIndexes", 300,
                "clientStreamSum", "5050",
                "bidiAnswers", "ONE,TWO",
                "errorCode", "NotFound",
                "errorMessage", "asked to fail",
                "errorTrailer", "failed",
                "abortedCode", "Canceled"), results);
    }

    /** The core of clients/connect/test/transport.test.js, with the clients the page's module exports. */
    private static final String CORE_SUITE = """
            async () => {
              const m = await import("./page.js");
              const registry = m.createRegistry(m.NestedSchema, m.EverythingSchema);
              const showcase = m.createClient(m.Showcase, m.createWebSocketTransport({ jsonOptions: { registry } }));
              const results = {};
              const sent = m.create(m.EverythingSchema, {
                int64Value: 9007199254740993n, uint64Value: 18446744073709551615n, bytesValue: new Uint8Array([0, 255]),
                mood: m.Mood.CALM, stringToInt32: { a: 1 }, int64ToNested: { "-5": { name: "n" } },
                choice: { case: "textChoice", value: "t" }, timestamp: { seconds: 1700000000n, nanos: 5 },
                duration: { seconds: 1n }, struct: { a: [1, null] }, int64Wrapper: -1n, fieldMask: { paths: ["a_b"] },
                any: m.anyPack(m.NestedSchema, m.create(m.NestedSchema, { name: "packed" })), stringValue: "你好 😀",
              });
              let header, trailer;
              const echoed = await showcase.echo(sent, { onHeader: (h) => (header = h), onTrailer: (t) => (trailer = t) });
              results.unaryRoundTripEquals = m.equals(m.EverythingSchema, sent, echoed);
              results.unaryHeader = header.get("x-showcase-kind");
              results.unaryTrailer = trailer.get("x-showcase-trailer");
              let ticks = 0;
              for await (const tick of showcase.count({ count: 300 })) {
                if (tick.index !== BigInt(ticks)) throw new Error(`tick ${tick.index} at ${ticks}`);
                ticks++;
              }
              results.serverStreamIndexes = ticks;
              async function* numbers() { for (let i = 1; i <= 100; i++) yield { value: BigInt(i) }; }
              results.clientStreamSum = String((await showcase.sum(numbers())).sum);
              async function* lines() { yield { text: "one" }; yield { text: "two" }; }
              const answers = [];
              for await (const line of showcase.converse(lines())) answers.push(line.text);
              results.bidiAnswers = answers.join(",");
              try {
                await showcase.echo({ failWith: "NOT_FOUND" });
              } catch (e) {
                results.errorCode = m.Code[e.code];
                results.errorMessage = e.rawMessage;
                results.errorTrailer = e.metadata.get("x-showcase-trailer");
              }
              const controller = new AbortController();
              try {
                for await (const tick of showcase.count({ count: 1000000 }, { signal: controller.signal })) {
                  if (tick.index === 10n) controller.abort();
                }
              } catch (e) {
                results.abortedCode = m.Code[e.code];
              }
              return results;
            }
            """;
}
