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
import java.util.stream.Stream;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import com.microsoft.playwright.BrowserContext;
import com.microsoft.playwright.CDPSession;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.assertions.LocatorAssertions;

import io.grpcbridge.testing.TestTokens;

/** The chat page the gateway serves, in a real Chromium, against the packaged pair. */
class ChatPageIT {

    private static final String STREAM = "返回数据流";
    private static final String[] STREAM_LINES = IntStream.range(0, 10).mapToObj(i -> "数据流 #" + i).toArray(String[]::new);
    /**
     * Records every WebSocket the page opens (whether it opened, the code it closed with) and every
     * frame the page gives one to send, so a test can count them or write to the newest, and every
     * state the badge shows, in order.
     */
    private static final String RECORD_SOCKETS = """
            window.sockets = [];
            window.sent = [];
            window.WebSocket = class extends WebSocket {
              constructor(...args) {
                super(...args);
                window.sockets.push(this);
                this.addEventListener("open", () => { this.opened = true; });
                this.addEventListener("close", (close) => { this.closeCode = close.code; });
              }
              send(data) {
                window.sent.push(String(data));
                super.send(data);
              }
            };
            window.states = [];
            new MutationObserver((changes) => changes.forEach((change) => window.states.push(change.target.dataset.state)))
              .observe(document, { subtree: true, attributes: true, attributeFilter: ["data-state"] });
            """;
    /**
     * A stand-in for the gateway behind the page's WebSocket API (after {@link #RECORD_SOCKETS}): it
     * speaks enough of protocol v2 for one call at a time (the session frame, each call's request
     * credit, a resume), and a test makes it send a frame to the call or close with any code and
     * reason, which the real gateway cannot be made to do on demand and a browser cannot do itself
     * (1006). It has what the client library uses of a socket ({@code bufferedAmount}, a
     * {@code close} whose event comes later, as a browser's does). {@code window.gateway} is what a
     * gateway keeps across sockets: the call and the last frame it numbered, and the client's last
     * numbered frame. Playwright 1.52's routeWebSocket would do as much, but its Java client fails on
     * every page unload (a close event without a code).
     */
    private static final String GATEWAY_STAND_IN = """
            window.gateway = { call: 0, seq: 0, clientSeq: 0 };
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
                setTimeout(() => {
                  this.readyState = StandIn.OPEN;
                  this.fire(new Event("open"));
                  if (!url.includes("resume=")) {
                    this.serverSends(JSON.stringify({ session: { token: "t", gateway: "stand-in", resumeWindowMs: 30000, maxCalls: 100, requestCredit: 8 } }));
                  }
                });
              }
              bufferedAmount = 0;
              send(text) {
                const frame = JSON.parse(text);
                if (frame.resume) {
                  const { call, clientSeq } = window.gateway;
                  this.serverSends(JSON.stringify({ resumed: { lastCall: call, calls: { [call]: { ack: clientSeq } } } }));
                } else if (frame.open) {
                  window.gateway = { call: frame.call, seq: 0, clientSeq: 0 };
                  this.toCall({ credit: 8 });
                } else if (frame.seq && frame.call === window.gateway.call) {
                  window.gateway.clientSeq = frame.seq;
                }
              }
              close(code = 1005, reason = "") {
                if (this.readyState < StandIn.CLOSING) {
                  this.readyState = StandIn.CLOSING;
                  setTimeout(() => this.serverCloses(code, reason));
                }
              }
              toCall(member) { this.serverSends(JSON.stringify({ call: window.gateway.call, seq: ++window.gateway.seq, ...member })); }
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

    /**
     * Between the browser and the gateway when a test takes the network away: the page is served
     * through it, so the gateway allows its origin beside its own.
     */
    static final CuttableProxy network = CuttableProxy.to(() -> ChatPageIT.pair.gateway().port());
    /** Authentication is off, as by default; a token the page sends still names the caller. */
    @RegisterExtension
    static final Pair pair = Pair.perClass(Stream.concat(TestTokens.verificationOptions().stream(),
            Stream.of("-Dgateway.upgrade.allowed-origins=http://127.0.0.1:${quarkus.http.port}," + network.url())).toArray(String[]::new));
    @RegisterExtension
    static final Chromium chromium = Chromium.perClass();

    private BrowserContext context;
    private final List<String> sentFrames = new CopyOnWriteArrayList<>();
    private final List<String> dialogs = new CopyOnWriteArrayList<>();
    private final List<String> pageErrors = new CopyOnWriteArrayList<>();

    @AfterAll
    static void closeTheNetwork() throws IOException {
        network.close();
    }

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
        assertEquals(List.of("{\"message\":{\"input\":\"hello\"}}"), inputsSent());
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
    void theEndCommandEndsTheChatAndItsSessionAndDoesNotReconnect() {
        context = newContext("en-US");
        context.clock().install();
        ChatPage chatPage = open(context);

        chatPage.endCommand.click();

        assertThat(chatPage.lines("output")).hasText(new String[] {"收到结束指令"});
        assertThat(chatPage.state).hasAttribute("data-state", "closed");
        assertThat(chatPage.state).hasText("Closed");
        assertThat(chatPage.stateDetail).hasText("chat ended");
        assertThat(chatPage.events("Ended · chat ended")).hasCount(1);
        assertThat(chatPage.reconnect).isEnabled();
        // An ended conversation holds no socket: the page closes its session.
        chatPage.page.waitForFunction("window.sockets[0].closeCode === 1000");
        // A minute passes at once: a reconnect timer, had one been set, would have fired by now.
        context.clock().runFor(60_000);
        assertThat(chatPage.state).hasAttribute("data-state", "closed");
        assertEquals(1, chatPage.page.evaluate("window.sockets.length"));
    }

    @Test
    void endInputHalfClosesYetTheOutputsStillDueArriveBeforeTheChatEnds() {
        ChatPage chatPage = open("en-US");

        chatPage.streamCommand.click();
        chatPage.endInput.click();

        assertThat(chatPage.lines("output")).hasText(STREAM_LINES);
        assertThat(chatPage.state).hasAttribute("data-state", "closed");
        assertThat(chatPage.stateDetail).hasText("chat ended");
        assertEquals(List.of("{\"message\":{\"input\":\"" + STREAM + "\"}}", "{\"end\":true}"), inputsSent());
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

    /**
     * The network taken away for 10 s by a proxy between the browser and the gateway that resets
     * the connection and refuses new ones meanwhile (Playwright's offline mode leaves an open
     * WebSocket alone). What the user typed while offline is kept and sent on the resumed session.
     */
    @Test
    void tenSecondsOfflineResumeTheConversationWithEveryMessageOnceAndThePageSaysSo() {
        context = newContext("en-US");
        ChatPage chatPage = open(context, network.url() + "/", "");
        chatPage.type("before");
        assertThat(chatPage.lines("output")).hasText(new String[] {"服务端返回: before"});
        chatPage.page.evaluate("window.states.length = 0");

        network.goOffline();
        assertThat(chatPage.events("Connection lost 1006 · resuming the conversation")).hasCount(1);
        assertThat(chatPage.state).hasAttribute("data-state", "reconnecting");
        chatPage.type("while offline");
        chatPage.streamCommand.click();
        chatPage.page.waitForTimeout(10_000); // the scenario: ten seconds without a network
        network.goOnline();

        assertThat(chatPage.state).hasAttribute("data-state", "resumed", new LocatorAssertions.HasAttributeOptions().setTimeout(30_000));
        assertThat(chatPage.events("Resumed · nothing lost")).hasCount(1);
        List<String> outputs = new ArrayList<>(List.of("服务端返回: before", "服务端返回: while offline"));
        outputs.addAll(List.of(STREAM_LINES));
        assertThat(chatPage.lines("output")).hasText(outputs.toArray(String[]::new));
        assertThat(chatPage.lines("input")).hasText(new String[] {"before", "while offline", STREAM});
        assertThat(chatPage.lines("error")).hasCount(0);
        List<?> states = (List<?>) chatPage.page.evaluate("window.states");
        assertEquals(List.of("reconnecting", "resumed"), states.stream().distinct().toList());
        assertTrue((Boolean) chatPage.page.evaluate("window.sockets.slice(1).every((socket) => socket.url.includes('resume='))"),
                "every socket after the first resumes the session");
        System.out.printf("ChatPageIT offline: resumed after %d attempts%n", (Integer) chatPage.page.evaluate("window.sockets.length - 1"));

        chatPage.type("after");
        assertThat(chatPage.lines("output").last()).hasText("服务端返回: after");
    }

    @Test
    void whileChatServiceIsDownThePageKeepsTryingNeverShowsConnectedNorSendsAndConnectsWhenItIsBack() throws Exception {
        ChatPage chatPage = open("en-US");
        String clientId = chatPage.clientId(CLIENT_ID_EN);
        chatPage.type("before");
        assertThat(chatPage.lines("output")).hasText(new String[] {"服务端返回: before"});
        chatPage.input.fill("typed while down");
        chatPage.page.evaluate("window.states.length = 0");
        int opensBefore = callsOpened(chatPage);

        pair.chat().kill();
        try {
            assertThat(chatPage.lines("error").first()).containsText("UNAVAILABLE");
            assertThat(chatPage.events("Ended · chat service unavailable").first()).isVisible();
            // The session stays; each new call is refused UNAVAILABLE while chat-service is down, and
            // the page tries again, with backoff.
            await().pollInSameThread().atMost(Duration.ofSeconds(30)).until(() -> callsOpened(chatPage) >= opensBefore + 3);
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
        assertThat(chatPage.lines("error")).hasCount(1);
        assertEquals(List.of("{\"message\":{\"input\":\"before\"}}"), inputsSent());
        assertEquals(List.of(sessionSocket(clientId)), chatPage.page.evaluate("window.sockets.map((socket) => socket.url)"),
                "one session all along, with the page's client id");

        assertThat(chatPage.input).isEnabled();
        assertThat(chatPage.input).hasValue("typed while down");
        chatPage.input.press("Enter");
        assertThat(chatPage.lines("output").last()).hasText("服务端返回: typed while down");
    }

    @Test
    void aGatewayRestartLosesTheSessionWith1001AndThePageReconnectsToTheNewGatewayByItself() throws Exception {
        ChatPage chatPage = open("zh-CN");
        String clientId = chatPage.clientId(CLIENT_ID_ZH);
        chatPage.type("before");
        assertThat(chatPage.lines("output")).hasText(new String[] {"服务端返回: before"});
        chatPage.page.evaluate("window.states.length = 0");

        pair.gateway().terminate();
        try {
            // The drain lets the running call go on for its timeout, then closes the session 1001.
            assertThat(chatPage.events("会话已断开 1001 · 网关正在重启")).hasCount(1,
                    new LocatorAssertions.HasCountOptions().setTimeout(30_000));
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
        await().atMost(Duration.ofSeconds(10)).until(() -> gatewayLogLines("opened a session from .* client " + clientId) == 2);
    }

    /** What the page does by itself after an ending. */
    private enum After {
        /** Opens the call again on the same session. */
        RETRY,
        /** Opens a new session (a new socket) and the call on it. */
        RENEW,
        /** Resumes the session on a new socket ({@code ?resume=}): the call goes on. */
        RESUME,
        /** Nothing: the page shows "closed" and waits for Reconnect. */
        STOP
    }

    /**
     * One way a conversation ends, as the stand-in gateway makes it: a status frame to the call
     * ({@code status} set; its message {@code reason}, the session goes on), or the session's socket
     * closed with {@code closeCode} and {@code reason} ({@code status} null). What a user reads about
     * it, and what the page does next.
     */
    private record Ending(String status, int closeCode, String reason, String zh, String en, After after) {

        static Ending status(String status, String reason, String zh, String en, After after) {
            return new Ending(status, 0, reason, zh, en, after);
        }

        static Ending close(int code, String reason, String zh, String en, After after) {
            return new Ending(null, code, reason, zh, en, after);
        }

        /** A status of the call itself other than OK shows as an error line. */
        boolean shownAsError() {
            return status != null && !status.equals("OK");
        }

        /** The event line the page adds. */
        String event(boolean chinese) {
            if (after == After.RESUME) {
                return chinese ? "连接中断 " + closeCode + " · 正在恢复对话" : "Connection lost " + closeCode + " · resuming the conversation";
            }
            String told = chinese ? zh : en;
            if (status != null) {
                return (chinese ? "已结束 · " : "Ended · ") + told;
            }
            return (chinese ? "会话已断开 " : "Session lost ") + closeCode + " · " + told;
        }

        /** The badge's detail once the page has stopped. */
        String stoppedDetail(boolean chinese) {
            String told = chinese ? zh : en;
            return status != null ? told : closeCode + " · " + told;
        }
    }

    /** The client library's first backoff (1 s) at its largest jitter (1.2). */
    private static final Duration FIRST_BACKOFF_AT_MOST = Duration.ofMillis(1200);

    private static final List<Ending> ENDINGS = List.of(
            Ending.status("OK", "", "对话已结束", "chat ended", After.STOP),
            Ending.status("UNKNOWN", "boom", "聊天服务出错", "chat service failed", After.STOP),
            Ending.status("UNAVAILABLE", "chat unavailable", "聊天服务暂不可用", "chat service unavailable", After.RETRY),
            Ending.status("RESOURCE_EXHAUSTED", "the session already has 100 calls open", "超出网关限制", "over a gateway limit", After.STOP),
            Ending.close(1001, "gateway restarting", "网关正在重启", "gateway restarting", After.RENEW),
            Ending.close(1006, "", "", "", After.RESUME),
            Ending.close(1008, "client is not reading: 1024 frames, 1048000 bytes unwritten", "超出网关限制", "over a gateway limit", After.STOP),
            Ending.close(1008, "Authentication expired", "登录已过期", "sign-in expired", After.STOP),
            Ending.close(1009, "frame larger than 65536 bytes", "消息过大", "message too large", After.STOP),
            Ending.close(1011, "gateway error", "网关出错", "gateway error", After.RENEW),
            Ending.close(4404, "no session to resume with this token: unknown, over, or another caller's", "对话已过期",
                    "conversation expired", After.RENEW),
            // A code the protocol lacks is taken for a dropped connection: the session is resumed.
            Ending.close(4999, "something new", "", "", After.RESUME));

    @Test
    void everyEndingIsToldInTheBrowsersLanguageAndOnlyTheRetryableOnesReconnectByThemselves() {
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

            for (Ending ending : ENDINGS) {
                // An answered call was healthy: each retry waits the first backoff, 0.8 to 1.2 s.
                int outputs = chatPage.lines("output").count();
                chatPage.page.evaluate("window.sockets.at(-1).toCall({ message: { output: 'ok' } })");
                assertThat(chatPage.lines("output")).hasCount(outputs + 1);
                assertThat(chatPage.input).isEnabled();
                chatPage.page.evaluate("window.states.length = 0");

                int errors = chatPage.lines("error").count();
                String event = ending.event(chinese);
                int events = chatPage.events(event).count();
                chatPage.page.evaluate("""
                        ([status, code, reason]) => {
                          const socket = window.sockets.at(-1);
                          if (status) socket.toCall({ status: { code: status, message: reason, trailers: {} } });
                          else socket.serverCloses(code, reason);
                        }""", Arrays.asList(ending.status(), ending.closeCode(), ending.reason()));

                assertThat(chatPage.events(event)).hasCount(events + 1);
                assertThat(chatPage.lines("error")).hasCount(errors + (ending.shownAsError() ? 1 : 0));
                if (ending.shownAsError()) {
                    assertThat(chatPage.lines("error").last()).hasText(ending.status() + ": " + ending.reason());
                }
                if (ending.after() == After.STOP) {
                    assertThat(chatPage.state).hasAttribute("data-state", "closed");
                    assertThat(chatPage.stateDetail).hasText(ending.stoppedDetail(chinese));
                    assertThat(chatPage.input).isDisabled();
                    assertThat(chatPage.send).isDisabled();
                    assertEquals(List.of("closed"), chatPage.page.evaluate("window.states"), ending.toString());
                    chatPage.reconnect.click();
                    assertThat(chatPage.state).hasAttribute("data-state", "connected");
                } else {
                    assertThat(chatPage.state).hasAttribute("data-state", "reconnecting");
                    chatPage.page.clock().fastForward(FIRST_BACKOFF_AT_MOST.toMillis());
                    String back = ending.after() == After.RESUME ? "resumed" : "connected";
                    assertThat(chatPage.state).hasAttribute("data-state", back);
                    List<?> states = (List<?>) chatPage.page.evaluate("window.states");
                    assertEquals("reconnecting", states.get(0), ending + ": " + states);
                    assertFalse(states.contains("closed"), ending + ": " + states);
                    if (ending.after() == After.RESUME) {
                        assertThat(chatPage.events(chinese ? "已恢复 · 没有丢失消息" : "Resumed · nothing lost")).hasCount(
                                (int) ENDINGS.stream().takeWhile(e -> e != ending).filter(e -> e.after() == After.RESUME).count() + 1);
                        assertTrue(chatPage.page.evaluate("window.sockets.at(-1).url").toString().contains("resume=stand-in"), ending.toString());
                    }
                }
                assertThat(chatPage.input).isEnabled();
                assertThat(chatPage.send).isEnabled();
            }
            long newSockets = ENDINGS.stream().filter(ending -> ending.after() != After.RETRY).count();
            assertEquals(1 + (int) newSockets, chatPage.page.evaluate("window.sockets.length"),
                    locale + ": one socket per new session, resume or click, no more");
            if (chinese) {
                // The gateway's reasons (English) are tooltips, not lines of the log.
                for (Ending ending : ENDINGS) {
                    if (!ending.shownAsError() && !ending.reason().isEmpty()) {
                        assertThat(chatPage.log).not().containsText(ending.reason());
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

        assertEquals(List.of(sessionSocket(clientId), sessionSocket(clientId)),
                chatPage.page.evaluate("window.sockets.map((socket) => socket.url)"));
        assertThat(chatPage.clientId).hasText("Client id " + clientId);
        await().atMost(Duration.ofSeconds(10)).until(() -> gatewayLogLines("\\[[-0-9a-f]+\\] opened a session from \\S+ by anonymous, client " + clientId) == 2
                && gatewayLogLines("\\[[-0-9a-f]+\\] session over after \\d+ ms: 1 calls, client " + clientId) == 1);

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

        // 1,000 stream commands through the page's own controls, as fast as a script can press
        // them, in batches: each ends with a marker whose answer comes after the batch's outputs, so
        // the test knows when all arrived. The library sends them within the gateway's credit.
        int batches = 10;
        int perBatch = 100;
        for (int batch = 0; batch < batches; batch++) {
            chatPage.page.evaluate("""
                    ([count, marker]) => {
                      for (let i = 0; i < count; i++) document.getElementById("cmd-stream").click();
                      document.getElementById("input").value = marker;
                      document.getElementById("composer").requestSubmit();
                    }""", List.of(perBatch, "batch " + batch));
            assertThat(chatPage.lines("output").last()).hasText("服务端返回: batch " + batch,
                    new LocatorAssertions.HasTextOptions().setTimeout(60_000));
        }
        assertThat(chatPage.log.locator("li")).hasCount(1000);
        assertThat(chatPage.logNote).isVisible();
        assertThat(chatPage.logNote).containsText("1,000");

        // The page shows an input as it sends it (a session does not echo): the round trip is its answer.
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

    /** The URL of the page's socket: the gateway's sessions, with the page's client id. */
    private static String sessionSocket(String clientId) {
        return "ws://" + pair.gateway().uri().getAuthority() + "/session?client=" + clientId;
    }

    /** The requests and half-closes the page sent, each without its call id and number: {@code {"message":…}}, {@code {"end":true}}. */
    private List<String> inputsSent() {
        List<String> inputs = new ArrayList<>();
        for (String text : sentFrames) {
            JsonObject frame = JsonParser.parseString(text).getAsJsonObject();
            if (frame.has("message") || frame.has("end")) {
                frame.remove("call");
                frame.remove("seq");
                inputs.add(frame.toString());
            }
        }
        return inputs;
    }

    /** How many calls the page has opened, as its sockets were asked to send the opens. */
    private static int callsOpened(ChatPage chatPage) {
        return (Integer) chatPage.page.evaluate("window.sent.filter((text) => JSON.parse(text).open).length");
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
        return open(in, pair.gateway().uri().toString(), fragment);
    }

    private ChatPage open(BrowserContext in, String address, String fragment) {
        Page page = in.newPage();
        page.onDialog(dialog -> {
            dialogs.add(dialog.message());
            dialog.dismiss();
        });
        page.onPageError(pageErrors::add);
        page.onWebSocket(socket -> socket.onFrameSent(frame -> sentFrames.add(frame.text())));
        page.navigate(address + fragment);
        ChatPage chatPage = new ChatPage(page);
        assertThat(chatPage.state).hasAttribute("data-state", "connected");
        return chatPage;
    }
}
