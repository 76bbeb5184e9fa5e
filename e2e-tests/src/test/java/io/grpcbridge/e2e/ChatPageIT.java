package io.grpcbridge.e2e;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.regex.Pattern;
import java.util.stream.IntStream;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import com.microsoft.playwright.BrowserContext;
import com.microsoft.playwright.CDPSession;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.assertions.LocatorAssertions;

import io.grpcbridge.testing.TestTokens;

/** The chat page the gateway serves, in a real Chromium, against the packaged pair. */
class ChatPageIT {

    private static final String STREAM = "返回数据流";
    private static final String[] STREAM_LINES = IntStream.range(0, 10).mapToObj(i -> "数据流 #" + i).toArray(String[]::new);
    /** The method the page calls, on its method socket {@code /ws/chat.Chat/BidStream}. */
    private static final String METHOD = "chat.Chat/BidStream";
    /**
     * Records every WebSocket the page opens (whether it opened, the code it closed with), so a test
     * can count them or write to the newest, and every state the badge shows, in order.
     */
    private static final String RECORD_SOCKETS = """
            window.sockets = [];
            window.WebSocket = class extends WebSocket {
              constructor(...args) {
                super(...args);
                window.sockets.push(this);
                this.addEventListener("open", () => { this.opened = true; });
                this.addEventListener("close", (close) => { this.closeCode = close.code; });
              }
            };
            window.states = [];
            new MutationObserver((changes) => changes.forEach((change) => window.states.push(change.target.dataset.state)))
              .observe(document, { subtree: true, attributes: true, attributeFilter: ["data-state"] });
            """;
    /**
     * A stand-in for the gateway behind the page's WebSocket API (after {@link #RECORD_SOCKETS}): it
     * opens at once, and a test makes it send a frame or close with any code and reason, which the real
     * gateway cannot be made to do on demand (1011, a code protocol v1 lacks) and a browser cannot do
     * itself (1006). It has what the client library uses of a socket ({@code bufferedAmount}, a
     * {@code close} whose event comes later, as a browser's does). Playwright 1.52's routeWebSocket
     * would do as much, but its Java client fails on every page unload (a close event without a code).
     */
    private static final String GATEWAY_STAND_IN = """
            window.WebSocket = class StandIn extends EventTarget {
              static CONNECTING = 0;
              static OPEN = 1;
              static CLOSING = 2;
              static CLOSED = 3;
              constructor(url) {
                super();
                this.url = url;
                this.readyState = StandIn.CONNECTING;
                window.sockets.push(this);
                setTimeout(() => { this.readyState = StandIn.OPEN; this.fire(new Event("open")); });
              }
              bufferedAmount = 0;
              send() {}
              close(code = 1005, reason = "") {
                if (this.readyState < StandIn.CLOSING) {
                  this.readyState = StandIn.CLOSING;
                  setTimeout(() => this.serverCloses(code, reason));
                }
              }
              serverSends(data) { this.fire(new MessageEvent("message", { data })); }
              serverCloses(code, reason) {
                this.readyState = StandIn.CLOSED;
                this.fire(new CloseEvent("close", { code, reason, wasClean: code !== 1006 }));
              }
              fire(event) { this.dispatchEvent(event); this["on" + event.type]?.(event); }
            };
            """;
    /** The page's client id as it shows it, the id itself in group 1. */
    private static final Pattern CLIENT_ID_EN = Pattern.compile("^Client id ([0-9a-f]{8})$");
    private static final Pattern CLIENT_ID_ZH = Pattern.compile("^客户端 ID ([0-9a-f]{8})$");
    /** Debian's fonts-noto-cjk, which has Noto Sans CJK SC. */
    private static final Path NOTO_SANS_CJK = Path.of("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc");

    /** Authentication is off, as by default; a token the page sends still names the caller. */
    @RegisterExtension
    static final Pair pair = Pair.perClass(TestTokens.verificationOptions().toArray(String[]::new));
    @RegisterExtension
    static final Chromium chromium = Chromium.perClass();

    private BrowserContext context;
    private final List<String> sentFrames = new CopyOnWriteArrayList<>();
    private final List<String> dialogs = new CopyOnWriteArrayList<>();
    private final List<String> pageErrors = new CopyOnWriteArrayList<>();

    @AfterEach
    void closeTheContext() {
        if (context != null) {
            context.close();
        }
        assertEquals(List.of(), pageErrors, "uncaught errors in the page");
    }

    @Test
    void enterSendsTheInputAndShowsItAndItsAnswerWhileAnEmptyBoxSendsNothing() {
        ChatPage chatPage = open("en-US");

        chatPage.input.press("Enter");
        chatPage.type("hello");

        assertThat(chatPage.lines("input")).hasText(new String[] {"hello"});
        assertThat(chatPage.lines("output")).hasText(new String[] {"服务端返回: hello"});
        assertThat(chatPage.input).isEmpty();
        assertEquals(List.of("{\"message\":{\"input\":\"hello\"}}"), sentFrames);
    }

    @Test
    void theStreamCommandShowsTenOutputsInOrder() {
        ChatPage chatPage = open("en-US");
        chatPage.type("hello");
        assertThat(chatPage.lines("output")).hasText(new String[] {"服务端返回: hello"});

        chatPage.streamCommand.click();

        List<String> outputs = new ArrayList<>(List.of("服务端返回: hello"));
        outputs.addAll(List.of(STREAM_LINES));
        assertThat(chatPage.lines("input")).hasText(new String[] {"hello", STREAM});
        assertThat(chatPage.lines("output")).hasText(outputs.toArray(String[]::new));
        chatPage.page.mouse().move(0, 0);
        chatPage.page.screenshot(new Page.ScreenshotOptions().setPath(Path.of("target", "screenshots", "chat.png")));
    }

    @Test
    void theEndCommandClosesWithCode1000AndDoesNotReconnect() {
        context = newContext("en-US");
        context.clock().install();
        ChatPage chatPage = open(context);

        chatPage.endCommand.click();

        assertThat(chatPage.lines("output")).hasText(new String[] {"收到结束指令"});
        assertThat(chatPage.state).hasAttribute("data-state", "closed");
        assertThat(chatPage.state).hasText("Closed");
        assertThat(chatPage.stateDetail).containsText("1000");
        assertThat(chatPage.reconnect).isEnabled();
        // A minute passes at once: a reconnect timer, had one been set, would have fired by now.
        context.clock().runFor(60_000);
        assertThat(chatPage.state).hasAttribute("data-state", "closed");
        assertEquals(1, chatPage.page.evaluate("window.sockets.length"));
    }

    @Test
    void endInputHalfClosesYetTheOutputsStillDueArriveBeforeA1000Close() {
        ChatPage chatPage = open("en-US");

        chatPage.streamCommand.click();
        chatPage.endInput.click();

        assertThat(chatPage.lines("output")).hasText(STREAM_LINES);
        assertThat(chatPage.state).hasAttribute("data-state", "closed");
        assertThat(chatPage.stateDetail).containsText("1000");
        assertEquals(List.of("{\"message\":{\"input\":\"" + STREAM + "\"}}", "{\"end\":true}"), sentFrames);
    }

    @Test
    void markupInAnInputShowsAsTextAndRunsNothing() {
        String injection = "<img src=x onerror=alert(1)>";
        ChatPage chatPage = open("en-US");

        chatPage.type(injection);

        assertThat(chatPage.lines("input")).hasText(new String[] {injection});
        assertThat(chatPage.lines("output")).hasText(new String[] {"服务端返回: " + injection});
        assertThat(chatPage.log.locator("img")).hasCount(0);
        assertEquals(List.of(), dialogs);
    }

    @Test
    void whileChatServiceIsDownThePageKeepsTryingNeverShowsConnectedNorSendsAndConnectsWhenItIsBack() throws Exception {
        ChatPage chatPage = open("en-US");
        String clientId = chatPage.clientId(CLIENT_ID_EN);
        chatPage.type("before");
        assertThat(chatPage.lines("output")).hasText(new String[] {"服务端返回: before"});
        chatPage.input.fill("typed while down");
        chatPage.page.evaluate("window.states.length = 0");

        pair.chat().kill();
        try {
            assertThat(chatPage.lines("error").first()).containsText("UNAVAILABLE");
            assertThat(chatPage.events("Closed 1013 · chat service unavailable")).hasCount(1);
            // The gateway refuses upgrades (503) while chat-service is down: the browser sees a close
            // 1006 without an open, and the page tries again, with backoff.
            await().atMost(Duration.ofSeconds(30)).until(() -> refusedSockets(chatPage) >= 2);
            assertThat(chatPage.events("Closed 1006 · connection lost or refused").first()).isVisible();
            assertThat(chatPage.input).isDisabled();
            assertThat(chatPage.send).isDisabled();
            assertThat(chatPage.streamCommand).isDisabled();
            // A submit while down (Enter cannot reach a disabled field; a script can) sends nothing,
            // shows nothing as sent and leaves the text in the field.
            chatPage.page.evaluate("document.getElementById('composer').requestSubmit()");
            assertThat(chatPage.lines("input")).hasText(new String[] {"before"});
            assertThat(chatPage.input).hasValue("typed while down");
        } finally {
            pair.chat().start();
        }

        assertThat(chatPage.state).hasAttribute("data-state", "connected",
                new LocatorAssertions.HasAttributeOptions().setTimeout(40_000));
        List<?> states = (List<?>) chatPage.page.evaluate("window.states");
        assertEquals("connected", states.get(states.size() - 1), "states since the kill: " + states);
        assertFalse(states.subList(0, states.size() - 1).contains("connected"), "states since the kill: " + states);
        assertEquals(1, chatPage.page.evaluate("window.sockets.filter((socket) => socket.opened).length - 1"),
                "sockets opened since the kill: only the one now connected");
        assertEquals(List.of("{\"message\":{\"input\":\"before\"}}"), sentFrames);
        assertEquals(List.of(methodSocket(clientId)),
                chatPage.page.evaluate("[...new Set(window.sockets.map((socket) => socket.url))]"),
                "every try carries the page's one client id");

        assertThat(chatPage.input).isEnabled();
        assertThat(chatPage.input).hasValue("typed while down");
        chatPage.input.press("Enter");
        assertThat(chatPage.lines("output").last()).hasText("服务端返回: typed while down");
    }

    @Test
    void aGatewayRestartClosesWith1001AndThePageReconnectsToTheNewGatewayByItself() throws Exception {
        ChatPage chatPage = open("zh-CN");
        String clientId = chatPage.clientId(CLIENT_ID_ZH);
        chatPage.type("before");
        assertThat(chatPage.lines("output")).hasText(new String[] {"服务端返回: before"});
        chatPage.page.evaluate("window.states.length = 0");

        pair.gateway().terminate();
        try {
            assertThat(chatPage.events("已关闭 1001 · 网关正在重启")).hasCount(1);
            assertThat(chatPage.input).isDisabled();
            assertTrue(pair.gateway().exitsWithin(Duration.ofSeconds(30)), "the gateway exits after its drain");
        } finally {
            pair.gateway().kill(); // a no-op once it has exited; otherwise the assertion above has failed
            pair.gateway().start();
        }

        assertThat(chatPage.state).hasAttribute("data-state", "connected",
                new LocatorAssertions.HasAttributeOptions().setTimeout(40_000));
        List<?> states = (List<?>) chatPage.page.evaluate("window.states");
        assertEquals("reconnecting", states.get(0), "states since the SIGTERM: " + states);
        assertFalse(states.contains("closed"), "states since the SIGTERM: " + states);
        chatPage.type("after");
        assertThat(chatPage.lines("output").last()).hasText("服务端返回: after");
        await().atMost(Duration.ofSeconds(10)).until(() -> gatewayLogLines("opened " + Pattern.quote(METHOD) + " from .* client " + clientId) == 2);
    }

    /**
     * What a user reads about each close code of protocol v1, and whether the page tries again by
     * itself. {@code status}: the code of the status frame a method socket sends before this close
     * (its message the close reason, as the gateway sends them), or null when none comes (a dropped or
     * refused socket, a token expiring, which websockets-next closes itself, a code the protocol lacks).
     */
    private record Close(int code, String gatewayReason, String status, String zh, String en, boolean retried) {

        /** The status of a call that ended itself other than OK: close 1000, or 1013 for UNAVAILABLE. */
        boolean shownAsError() {
            return status != null && !status.equals("OK") && (code == 1000 || code == 1013);
        }
    }

    /** The client library's first backoff (1 s) at its largest jitter (1.2). */
    private static final Duration FIRST_BACKOFF_AT_MOST = Duration.ofMillis(1200);

    private static final List<Close> CLOSES = List.of(
            new Close(1000, "call ended: OK", "OK", "对话已结束", "chat ended", false),
            new Close(1000, "call ended: UNKNOWN", "UNKNOWN", "聊天服务出错", "chat service failed", false),
            // A drain: the gateway ends the call, whose outputs went out in time, or not; either way UNAVAILABLE.
            new Close(1001, "gateway restarting", "UNAVAILABLE", "网关正在重启", "gateway restarting", true),
            new Close(1001, "gateway restarting; outputs still due were not delivered", "UNAVAILABLE", "网关正在重启",
                    "gateway restarting", true),
            new Close(1006, "", null, "连接中断或被拒绝", "connection lost or refused", true),
            new Close(1008, "client is not reading: 1024 frames, 1048000 bytes unwritten", "RESOURCE_EXHAUSTED", "超出网关限制",
                    "over a gateway limit", false),
            new Close(1008, "Authentication expired", null, "登录已过期", "sign-in expired", false),
            new Close(1009, "frame larger than 65536 bytes", "RESOURCE_EXHAUSTED", "消息过大", "message too large", false),
            new Close(1011, "gateway error", "INTERNAL", "聊天服务出错", "chat service failed", true),
            new Close(1013, "chat unavailable", "UNAVAILABLE", "聊天服务暂不可用", "chat service unavailable", true),
            new Close(4000, "something new", null, "连接意外关闭", "closed unexpectedly", false));

    @Test
    void everyCloseCodeIsToldInTheBrowsersLanguageAndOnlyTheRetryableOnesReconnectByThemselves() {
        for (String locale : List.of("zh-CN", "en-US")) {
            boolean chinese = locale.startsWith("zh");
            if (context != null) {
                context.close();
            }
            context = newContext(locale);
            context.addInitScript(GATEWAY_STAND_IN);
            // The page's timers on a clock the test moves on, so that no retry waits its backoff in real time.
            context.clock().install();
            ChatPage chatPage = open(context);

            for (Close close : CLOSES) {
                String told = chinese ? close.zh() : close.en();
                String event = (chinese ? "已关闭 " : "Closed ") + close.code() + " · " + told;
                // An answered socket was healthy: each retry waits the first backoff, 0.8 to 1.2 s.
                int outputs = chatPage.lines("output").count();
                chatPage.page.evaluate("window.sockets.at(-1).serverSends('{\"message\":{\"output\":\"ok\"}}')");
                assertThat(chatPage.lines("output")).hasCount(outputs + 1);
                assertThat(chatPage.input).isEnabled();
                chatPage.page.evaluate("window.states.length = 0");

                int errors = chatPage.lines("error").count();
                int events = chatPage.events(event).count();
                chatPage.page.evaluate("""
                        ([code, reason, status]) => {
                          const socket = window.sockets.at(-1);
                          if (status) socket.serverSends(JSON.stringify({ status: { code: status, message: reason, trailers: {} } }));
                          socket.serverCloses(code, reason);
                        }""", Arrays.asList(close.code(), close.gatewayReason(), close.status()));

                assertThat(chatPage.events(event)).hasCount(events + 1);
                // The status of a call that ended itself other than OK (close 1000, or 1013 for
                // UNAVAILABLE) shows as an error; when the gateway ends the call, the close tells why.
                boolean failed = close.shownAsError();
                assertThat(chatPage.lines("error")).hasCount(errors + (failed ? 1 : 0));
                if (failed) {
                    assertThat(chatPage.lines("error").last()).hasText(close.status() + ": " + close.gatewayReason());
                }
                if (close.retried()) {
                    assertThat(chatPage.state).hasAttribute("data-state", "reconnecting");
                    chatPage.page.clock().fastForward(FIRST_BACKOFF_AT_MOST.toMillis());
                    assertThat(chatPage.state).hasAttribute("data-state", "connected");
                    List<?> states = (List<?>) chatPage.page.evaluate("window.states");
                    assertEquals("reconnecting", states.get(0), close + ": " + states);
                    assertFalse(states.contains("closed"), close + ": " + states);
                } else {
                    assertThat(chatPage.state).hasAttribute("data-state", "closed");
                    assertThat(chatPage.stateDetail).hasText(close.code() + " · " + told);
                    assertThat(chatPage.input).isDisabled();
                    assertThat(chatPage.send).isDisabled();
                    assertEquals(List.of("closed"), chatPage.page.evaluate("window.states"), close.toString());
                    chatPage.reconnect.click();
                    assertThat(chatPage.state).hasAttribute("data-state", "connected");
                }
                assertThat(chatPage.input).isEnabled();
                assertThat(chatPage.send).isEnabled();
            }
            assertEquals(CLOSES.size() + 1, chatPage.page.evaluate("window.sockets.length"),
                    locale + ": one socket per retry or click, no more");
            if (chinese) {
                // The gateway's close reasons (English) are tooltips, not lines of the log.
                for (Close close : CLOSES) {
                    if (!close.shownAsError() && !close.gatewayReason().isEmpty()) {
                        assertThat(chatPage.log).not().containsText(close.gatewayReason());
                    }
                }
            }
        }
    }

    @Test
    void theClientIdIsMadeOncePerPageLoadSentWithEverySocketAndWrittenOnTheGatewaysLogLines() {
        ChatPage chatPage = open("en-US");
        String clientId = chatPage.clientId(CLIENT_ID_EN);
        assertThat(chatPage.clientId).hasAttribute("title", Pattern.compile("log"));

        chatPage.endCommand.click();
        assertThat(chatPage.state).hasAttribute("data-state", "closed");
        chatPage.reconnect.click();
        assertThat(chatPage.state).hasAttribute("data-state", "connected");

        assertEquals(List.of(methodSocket(clientId), methodSocket(clientId)),
                chatPage.page.evaluate("window.sockets.map((socket) => socket.url)"));
        assertThat(chatPage.clientId).hasText("Client id " + clientId);
        await().atMost(Duration.ofSeconds(10)).until(() -> gatewayLogLines("\\[[-0-9a-f]+\\] opened " + Pattern.quote(METHOD) + " from \\S+ by anonymous, client " + clientId) == 2
                && gatewayLogLines("\\[[-0-9a-f]+\\] closed 1000 after \\d+ ms: 1 inputs, 1 outputs, client " + clientId) == 1);

        chatPage.page.reload();
        assertThat(chatPage.state).hasAttribute("data-state", "connected");
        assertNotEquals(clientId, chatPage.clientId(CLIENT_ID_EN), "a new page load, a new id");
    }

    @Test
    void chineseTextIsSetInACjkFont() {
        ChatPage chinese = open("zh-CN");
        String fontStack = (String) chinese.page.evaluate("getComputedStyle(document.getElementById('title')).fontFamily");
        for (String family : List.of("\"Noto Sans CJK SC\"", "\"Source Han Sans SC\"", "\"PingFang SC\"", "\"Microsoft YaHei\"")) {
            assertTrue(fontStack.indexOf(family) >= 0 && fontStack.indexOf(family) < fontStack.indexOf("sans-serif"), fontStack);
        }
        assertEquals(fontStack, chinese.page.evaluate("getComputedStyle(document.getElementById('send')).fontFamily"),
                "controls inherit the page's fonts");
        assumeTrue(Files.exists(NOTO_SANS_CJK), NOTO_SANS_CJK + " is missing (Debian's fonts-noto-cjk): which font renders Chinese is not checked");
        CDPSession devTools = context.newCDPSession(chinese.page);
        devTools.send("DOM.enable");
        devTools.send("CSS.enable");
        int root = devTools.send("DOM.getDocument").getAsJsonObject("root").get("nodeId").getAsInt();
        for (String selector : List.of("#title", "#send", "#cmd-stream")) {
            JsonObject query = new JsonObject();
            query.addProperty("nodeId", root);
            query.addProperty("selector", selector);
            JsonObject node = new JsonObject();
            node.addProperty("nodeId", devTools.send("DOM.querySelector", query).get("nodeId").getAsInt());
            JsonArray fonts = devTools.send("CSS.getPlatformFontsForNode", node).getAsJsonArray("fonts");
            for (var font : fonts) {
                assertEquals("Noto Sans CJK SC", font.getAsJsonObject().get("familyName").getAsString(), selector + ": " + fonts);
            }
        }
    }

    @Test
    void tenThousandOutputsKeepThePageResponsive() {
        ChatPage chatPage = open("en-US");
        assertThat(chatPage.state).hasAttribute("data-state", "connected");

        // 1,000 stream commands through the page's own socket (in its envelope), in batches: each ends with a marker
        // whose answer comes after the batch's outputs, so what is in flight stays within the
        // gateway's bounds (pending inputs, unwritten frames) and the test knows when all arrived.
        int batches = 10;
        int perBatch = 100;
        for (int batch = 0; batch < batches; batch++) {
            chatPage.page.evaluate("""
                    ([command, count, marker]) => {
                      const socket = window.sockets.at(-1);
                      for (let i = 0; i < count; i++) socket.send(JSON.stringify({ message: { input: command } }));
                      socket.send(JSON.stringify({ message: { input: marker } }));
                    }""", List.of(STREAM, perBatch, "batch " + batch));
            assertThat(chatPage.lines("output").last()).hasText("服务端返回: batch " + batch,
                    new LocatorAssertions.HasTextOptions().setTimeout(60_000));
        }
        assertThat(chatPage.log.locator("li")).hasCount(1000);
        assertThat(chatPage.logNote).isVisible();
        assertThat(chatPage.logNote).containsText("1,000");

        // The page shows an input as it sends it (method sockets do not echo): the round trip is its answer.
        long started = System.nanoTime();
        chatPage.type("still responsive");
        assertThat(chatPage.lines("input").last()).hasText("still responsive",
                new LocatorAssertions.HasTextOptions().setTimeout(1_000));
        assertThat(chatPage.lines("output").last()).hasText("服务端返回: still responsive",
                new LocatorAssertions.HasTextOptions().setTimeout(1_000));
        long millis = (System.nanoTime() - started) / 1_000_000;
        System.out.printf("ChatPageIT: after %d outputs, the answer to a typed input showed in %d ms (%s)%n",
                batches * perBatch * STREAM_LINES.length, millis, chatPage.logNote.textContent());
    }

    @Test
    void labelsFollowTheBrowsersLanguage() {
        ChatPage chinese = open("zh-CN");
        assertThat(chinese.page.locator("html")).hasAttribute("lang", "zh-CN");
        assertThat(chinese.state).hasText("已连接");
        assertThat(chinese.clientId).hasText(CLIENT_ID_ZH);
        assertThat(chinese.send).hasText("发送");
        assertThat(chinese.streamCommand).hasText(STREAM);
        assertThat(chinese.endCommand).hasText("结束对话");
        assertThat(chinese.endInput).hasText("结束输入");
        assertThat(chinese.reconnect).hasText("重新连接");
        assertThat(chinese.input).hasAccessibleName("消息");
        context.close();

        ChatPage english = open("en-US");
        assertThat(english.page.locator("html")).hasAttribute("lang", "en");
        assertThat(english.state).hasText("Connected");
        assertThat(english.clientId).hasText(CLIENT_ID_EN);
        assertThat(english.send).hasText("Send");
        assertThat(english.streamCommand).hasText("Stream data");
        assertThat(english.endCommand).hasText("End chat");
        assertThat(english.endInput).hasText("End input");
        assertThat(english.reconnect).hasText("Reconnect");
        assertThat(english.input).hasAccessibleName("Message");
    }

    /** The URL of the page's socket: the method socket of {@link #METHOD}, with the page's client id. */
    private static String methodSocket(String clientId) {
        return pair.gateway().ws() + "/" + METHOD + "?client=" + clientId;
    }

    /** Sockets of the page refused at the upgrade: closed 1006 without ever opening. */
    private static int refusedSockets(ChatPage chatPage) {
        return (Integer) chatPage.page.evaluate("window.sockets.filter((socket) => !socket.opened && socket.closeCode === 1006).length");
    }

    /** How many of the gateway's log lines (of all gateways of this build) {@code pattern} is found in. */
    private static long gatewayLogLines(String pattern) throws IOException {
        Pattern wanted = Pattern.compile(pattern);
        try (var lines = Files.lines(pair.gateway().log(), StandardCharsets.UTF_8)) {
            return lines.filter(line -> wanted.matcher(line).find()).count();
        }
    }

    @Test
    void aTokenHandedToThePageInItsFragmentIsSentAtTheHandshakeAndNamesTheCaller() {
        String user = "page-user-" + UUID.randomUUID();
        context = newContext("en-US");
        ChatPage chatPage = open(context, "#access_token=" + TestTokens.forUser(user));

        chatPage.type("hello");

        assertThat(chatPage.lines("output")).hasText(new String[] {"服务端返回: hello"});
        assertThat(chatPage.page).hasURL(pair.gateway().uri().toString());
        await().atMost(Duration.ofSeconds(10)).until(() -> Files.readString(pair.chat().log(), StandardCharsets.UTF_8)
                .contains("chat.Chat/BidStream called by " + user));
    }

    private ChatPage open(String locale) {
        context = newContext(locale);
        return open(context);
    }

    private BrowserContext newContext(String locale) {
        BrowserContext created = chromium.newContext(locale, 1000, 800);
        created.addInitScript(RECORD_SOCKETS);
        return created;
    }

    private ChatPage open(BrowserContext in) {
        return open(in, "");
    }

    private ChatPage open(BrowserContext in, String fragment) {
        Page page = in.newPage();
        page.onDialog(dialog -> {
            dialogs.add(dialog.message());
            dialog.dismiss();
        });
        page.onPageError(pageErrors::add);
        page.onWebSocket(socket -> socket.onFrameSent(frame -> sentFrames.add(frame.text())));
        page.navigate(pair.gateway().uri() + fragment);
        ChatPage chatPage = new ChatPage(page);
        assertThat(chatPage.state).hasAttribute("data-state", "connected");
        return chatPage;
    }
}
